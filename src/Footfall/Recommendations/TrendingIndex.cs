namespace Footfall.Recommendations;

/// <summary>
/// Recent touches in time order, ranked on demand over any window that fits. Each person adds at most one term per
/// item, their strongest decayed touch, so a bot that views one product a thousand times counts once.
/// </summary>
internal sealed class TrendingIndex
{
    private readonly Touch[] _byTime;

    /// <summary>An index of <paramref name="touches"/>, in any order (the array is sorted in place).</summary>
    public TrendingIndex(Touch[] touches)
    {
        Array.Sort(touches, (a, b) => a.Ticks.CompareTo(b.Ticks));
        _byTime = touches;
    }

    /// <summary>This index with the touches of <paramref name="items"/> replaced by <paramref name="touches"/> (of those items only).</summary>
    public TrendingIndex WithItems(IReadOnlySet<int> items, Touch[] touches) =>
        new([.. _byTime.Where(t => !items.Contains(t.Item)), .. touches]);

    /// <summary>
    /// Items by Σ over distinct people of max(weight x 0.5^(age / half-life)) over touches in (now - hours, now];
    /// the half-life is a quarter of the window, so the last quarter counts about twice the one before.
    /// </summary>
    public List<(int Item, double Score)> Rank(DateTime now, int hours, Func<int, bool>? include, int limit) =>
        Order(Scores(now, hours, include), limit);

    /// <summary>Every item's score (see <see cref="Rank"/>), unordered.</summary>
    public Dictionary<int, double> Scores(DateTime now, int hours, Func<int, bool>? include)
    {
        var nowTicks = now.Ticks;
        var fromTicks = nowTicks - TimeSpan.FromHours(hours).Ticks;
        var halfLife = HalfLifeTicks(hours);
        var best = new Dictionary<(int Person, int Item), double>();
        for (var i = FirstAtOrAfter(fromTicks + 1); i < _byTime.Length && _byTime[i].Ticks <= nowTicks; i++)
        {
            var t = _byTime[i];
            if (t.Weight <= 0 || include is not null && !include(t.Item))
                continue;
            var value = t.Weight * Math.Pow(0.5, (nowTicks - t.Ticks) / halfLife);
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(best, (t.Person, t.Item), out _);
            if (value > slot)
                slot = value;
        }
        // Each item's terms are added smallest first, so the sum does not depend on the order the touches came in (a
        // served model ranks from each person's newest touches, the definition from all of them).
        var terms = new (int Item, double Value)[best.Count];
        var n = 0;
        foreach (var ((_, item), value) in best)
            terms[n++] = (item, value);
        Array.Sort(terms);
        var byItem = new Dictionary<int, double>();
        foreach (var (item, value) in terms)
            byItem[item] = byItem.GetValueOrDefault(item) + value;
        return byItem;
    }

    /// <summary>The half-life of a window of <paramref name="hours"/>, in ticks.</summary>
    public static double HalfLifeTicks(int hours) => TimeSpan.FromHours(hours).Ticks / 4.0;

    /// <summary>The best <paramref name="limit"/> of <paramref name="scores"/>: highest first, ties to the earlier item.</summary>
    public static List<(int Item, double Score)> Order(IEnumerable<KeyValuePair<int, double>> scores, int limit) =>
        scores.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(limit).Select(p => (p.Key, p.Value)).ToList();

    private int FirstAtOrAfter(long ticks)
    {
        int lo = 0, hi = _byTime.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_byTime[mid].Ticks < ticks) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
