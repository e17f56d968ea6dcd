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
            for (var x = 0; x < items.Count; x++)
                for (var y = x + 1; y < items.Count; y++)
                {
                    var (a, b) = items[x] < items[y] ? (items[x], items[y]) : (items[y], items[x]);
                    ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(pairs, ((long)a << 32) | (uint)b, out _);
                    count++;
                }
        }
        var lists = new List<(int, float)>?[itemCount];
        foreach (var (key, count) in pairs)
        {
            var a = (int)(key >> 32);
            var b = (int)(key & 0xFFFFFFFF);
            var cosine = (float)(count / Math.Sqrt((double)reach[a] * reach[b]));
            (lists[a] ??= []).Add((b, cosine));
            (lists[b] ??= []).Add((a, cosine));
        }
        var result = new (int, float)[itemCount][];
        for (var i = 0; i < itemCount; i++)
        {
            result[i] = lists[i] is { } l
                ? l.OrderByDescending(n => n.Item2).ThenBy(n => n.Item1).Take(neighbours).ToArray()
                : [];
        }
        return result;
    }
}
