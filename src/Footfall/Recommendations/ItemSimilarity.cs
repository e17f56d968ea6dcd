namespace Footfall.Recommendations;

/// <summary>
/// Item-to-item similarity from co-occurrence in visits: cosine = sessions with both / sqrt(sessions with each).
/// Dividing by both items' reach is what keeps a bestseller from being everyone's neighbour.
/// </summary>
internal static class ItemSimilarity
{
    /// <summary>Per item, its top neighbours by cosine, best first.</summary>
    /// <param name="touches">All touches, oldest first.</param>
    /// <param name="visits">Per touch, the visit it belongs to (person and session, or person and day).</param>
    public static (int Item, float Score)[][] Build(Touch[] touches, (int Person, long Visit)[] visits, int itemCount,
        int maxItemsPerVisit, int neighbours)
    {
        var (reach, pairs) = Count(touches, visits, itemCount, maxItemsPerVisit, changed: null);
        var lists = Candidates(reach, pairs, itemCount);
        var result = new (int, float)[itemCount][];
        for (var i = 0; i < itemCount; i++)
            result[i] = Top(lists[i] ?? [], neighbours);
        return result;
    }

    /// <summary>
    /// The neighbours <see cref="Build"/> would give for <paramref name="touches"/>, from <paramref name="before"/> (built
    /// over the same touches and more, whose extra visits held only items in <paramref name="changed"/>): an erasure
    /// takes whole visits away. Only pairs with a changed item are counted again. Exact: an unchanged item's count
    /// with every other unchanged item is the same, so its old top list, minus the changed items and plus their
    /// new scores, holds its new top list (a changed item's score with it only rose, as the item's reach fell).
    /// </summary>
    public static (int Item, float Score)[][] Without((int Item, float Score)[][] before, IReadOnlySet<int> changed, Touch[] touches,
        (int Person, long Visit)[] visits, int maxItemsPerVisit, int neighbours)
    {
        var itemCount = before.Length;
        var (reach, pairs) = Count(touches, visits, itemCount, maxItemsPerVisit, changed);
        var lists = Candidates(reach, pairs, itemCount);
        var result = ((int, float)[][])before.Clone();
        for (var i = 0; i < itemCount; i++)
        {
            if (changed.Contains(i))
                result[i] = Top(lists[i] ?? [], neighbours);
            else if (lists[i] is not null)
                result[i] = Top([.. before[i].Where(n => !changed.Contains(n.Item)), .. lists[i] ?? []], neighbours);
        }
        return result;
    }

    // Reach of every item, and co-occurrence counts of the pairs with an item in changed (all pairs when null).
    private static (int[] Reach, Dictionary<long, int> Pairs) Count(Touch[] touches, (int Person, long Visit)[] visits, int itemCount,
        int maxItemsPerVisit, IReadOnlySet<int>? changed)
    {
        // Distinct items per visit, newest kept when a visit is long.
        var itemsOfVisit = new Dictionary<(int, long), List<int>>();
        for (var i = touches.Length - 1; i >= 0; i--)
        {
            if (touches[i].Weight <= 0) continue;
            if (!itemsOfVisit.TryGetValue(visits[i], out var items))
                itemsOfVisit[visits[i]] = items = [];
            if (items.Count < maxItemsPerVisit && !items.Contains(touches[i].Item))
                items.Add(touches[i].Item);
        }
        var reach = new int[itemCount];
        var pairs = new Dictionary<long, int>();
        foreach (var items in itemsOfVisit.Values)
        {
            foreach (var a in items)
                reach[a]++;
            if (changed is not null && !items.Exists(changed.Contains))
                continue;
            for (var x = 0; x < items.Count; x++)
                for (var y = x + 1; y < items.Count; y++)
                {
                    var (a, b) = items[x] < items[y] ? (items[x], items[y]) : (items[y], items[x]);
                    if (changed is not null && !changed.Contains(a) && !changed.Contains(b))
                        continue;
                    ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(pairs, ((long)a << 32) | (uint)b, out _);
                    count++;
                }
        }
        return (reach, pairs);
    }

    private static List<(int, float)>?[] Candidates(int[] reach, Dictionary<long, int> pairs, int itemCount)
    {
        var lists = new List<(int, float)>?[itemCount];
        foreach (var (key, count) in pairs)
        {
            var a = (int)(key >> 32);
            var b = (int)(key & 0xFFFFFFFF);
            var cosine = (float)(count / Math.Sqrt((double)reach[a] * reach[b]));
            (lists[a] ??= []).Add((b, cosine));
            (lists[b] ??= []).Add((a, cosine));
        }
        return lists;
    }

    private static (int, float)[] Top(IEnumerable<(int Item, float Score)> candidates, int neighbours) =>
        candidates.OrderByDescending(n => n.Score).ThenBy(n => n.Item).Take(neighbours).ToArray();
}
