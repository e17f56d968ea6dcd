namespace Footfall.Recommendations;

/// <summary>
/// Item-to-item similarity from co-occurrence in visits: cosine = sessions with both / sqrt(sessions with each).
/// Dividing by both items' reach is what keeps a bestseller from being everyone's neighbour.
/// </summary>
internal static class ItemSimilarity
{
    /// <summary>Per item, its top neighbours by cosine, best first (ties: the earlier item).</summary>
    /// <param name="touches">All touches, oldest first.</param>
    /// <param name="visits">Per touch, the visit it belongs to (person and session, or person and day).</param>
    public static (int Item, float Score)[][] Build(Touch[] touches, (int Person, long Visit)[] visits, int itemCount,
        int maxItemsPerVisit, int neighbours)
    {
        var (reach, pairs) = Count(touches, visits, itemCount, maxItemsPerVisit, changed: null);
        var candidates = Candidates.Of(reach, pairs, itemCount);
        var result = new (int, float)[itemCount][];
        for (var i = 0; i < itemCount; i++)
            result[i] = Top(candidates.Of(i), neighbours);
        return result;
    }

    /// <summary>
    /// The neighbours <see cref="Build"/> would give once some persons are gone, from <paramref name="before"/> (built
    /// with them) and the counts without them: <paramref name="reach"/> of every item, and <paramref name="pairs"/>
    /// (keyed by <see cref="PairKey"/>, each pair once) for every pair with an item in <paramref name="changed"/> (the
    /// items the persons touched). Exact: an unchanged item's count with every other unchanged item is the same, so its old top list,
    /// minus the changed items and plus their new scores, holds its new top list (a changed item's score with it only
    /// rose, as the item's reach fell).
    /// </summary>
    public static IReadOnlyList<(int Item, float Score)>[] Without(IReadOnlyList<IReadOnlyList<(int Item, float Score)>> before,
        IReadOnlySet<int> changed, int[] reach, IReadOnlyCollection<KeyValuePair<long, int>> pairs, int neighbours)
    {
        var itemCount = before.Count;
        var candidates = Candidates.Of(reach, pairs, itemCount);
        var isChanged = new bool[itemCount];
        foreach (var item in changed)
            isChanged[item] = true;
        var result = before.ToArray();
        var merged = new (int, float)[neighbours];
        for (var i = 0; i < itemCount; i++)
        {
            if (isChanged[i])
                result[i] = Top(candidates.Of(i), neighbours);
            else if (candidates.Of(i) is { Length: > 0 } added)
                result[i] = Merge(before[i], isChanged, added, merged);
        }
        return result;
    }

    /// <summary>The key of the unordered pair (a, b) in <see cref="Count"/>'s pairs.</summary>
    public static long PairKey(int a, int b) => a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;

    /// <summary>An empty map of pair counts, keyed by <see cref="PairKey"/>, with room for <paramref name="capacity"/> pairs.</summary>
    public static Dictionary<long, int> NewPairCounts(int capacity = 0) => new(capacity, PairKeys.Instance);

    /// <summary>
    /// <see cref="long.GetHashCode"/> is the XOR of the key's halves, here a ^ b: item numbers below 2^15 gave 2.6M pairs
    /// 32K hash codes, and building the map of an active person's erasure took 35 s at 10M events. Fibonacci hashing
    /// spreads them.
    /// </summary>
    internal sealed class PairKeys : IEqualityComparer<long>
    {
        public static readonly PairKeys Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long key) => (int)((ulong)key * 0x9E3779B97F4A7C15UL >> 32);
    }

    /// <summary>
    /// Reach of every item (the visits whose newest <paramref name="maxItemsPerVisit"/> distinct items hold it), and
    /// co-occurrence counts of the pairs with an item in <paramref name="changed"/> (all pairs when null).
    /// </summary>
    public static (int[] Reach, Dictionary<long, int> Pairs) Count(Touch[] touches, (int Person, long Visit)[] visits, int itemCount,
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
        var pairs = NewPairCounts();
        foreach (var items in itemsOfVisit.Values)
        {
            foreach (var a in items)
                reach[a]++;
            if (changed is not null && !items.Exists(changed.Contains))
                continue;
            for (var x = 0; x < items.Count; x++)
                for (var y = x + 1; y < items.Count; y++)
                {
                    if (changed is not null && !changed.Contains(items[x]) && !changed.Contains(items[y]))
                        continue;
                    ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(pairs, PairKey(items[x], items[y]), out _);
                    count++;
                }
        }
        return (reach, pairs);
    }

    /// <summary>The cosine of two items seen together in <paramref name="both"/> visits: in single precision, as models keep it.</summary>
    public static float Cosine(int both, int reachA, int reachB) => (float)(both / Math.Sqrt((double)reachA * reachB));

    /// <summary>
    /// Every item's candidate neighbours (other item, cosine) from pair counts, in one array sliced by item. A list per
    /// item (20,000 of them and their growth for each erasure) made Without 1.3-1.9x slower
    /// (ItemSimilarityWithoutBenchmarks, 700 / 130 items touched: 146.8 / 54.6 ms with lists, 113.7 / 28.1 ms with this
    /// change alone).
    /// </summary>
    private readonly struct Candidates((int Item, float Score)[] all, int[] start)
    {
        public static Candidates Of(int[] reach, IReadOnlyCollection<KeyValuePair<long, int>> pairs, int itemCount)
        {
            var start = new int[itemCount + 1];
            foreach (var (key, _) in pairs)
            {
                start[(int)(key >> 32) + 1]++;
                start[(int)(key & 0xFFFFFFFF) + 1]++;
            }
            for (var i = 0; i < itemCount; i++)
                start[i + 1] += start[i];
            var next = start[..^1];
            var all = new (int, float)[start[itemCount]];
            foreach (var (key, count) in pairs)
            {
                var a = (int)(key >> 32);
                var b = (int)(key & 0xFFFFFFFF);
                var cosine = Cosine(count, reach[a], reach[b]);
                all[next[a]++] = (b, cosine);
                all[next[b]++] = (a, cosine);
            }
            return new Candidates(all, start);
        }

        /// <summary>The candidates of <paramref name="item"/>, in no order; sorting them in place sorts only theirs.</summary>
        public Span<(int Item, float Score)> Of(int item) => all.AsSpan(start[item], start[item + 1] - start[item]);
    }

    // Best first: by score, then the earlier item.
    private static int ByRank((int Item, float Score) x, (int Item, float Score) y)
    {
        var byScore = y.Score.CompareTo(x.Score);
        return byScore != 0 ? byScore : x.Item.CompareTo(y.Item);
    }

    private static (int, float)[] Top(Span<(int Item, float Score)> candidates, int neighbours)
    {
        candidates.Sort(ByRank);
        return candidates[..Math.Min(neighbours, candidates.Length)].ToArray();
    }

    // An unchanged item's new list: its old one (best first) without the changed items, merged with its new pairs with
    // them. Sorting the two together for every such item made Without 1.5x slower for 130 touched items at the 100M
    // shop's shape (bench/Footfall.Benchmarks, ItemSimilarityWithoutBenchmarks: 113 ms against 76 ms).
    // Into merged (as long as a list, reused by every item), then copied at its length.
    private static (int, float)[] Merge(IReadOnlyList<(int Item, float Score)> before, bool[] changed,
        Span<(int Item, float Score)> added, (int, float)[] merged)
    {
        added.Sort(ByRank);
        var (i, j, n) = (0, 0, 0);
        while (n < merged.Length)
        {
            while (i < before.Count && changed[before[i].Item])
                i++;
            if (i < before.Count && (j == added.Length || ByRank(before[i], added[j]) < 0))
                merged[n++] = before[i++];
            else if (j < added.Length)
                merged[n++] = added[j++];
            else
                break;
        }
        return merged[..n];
    }
}
