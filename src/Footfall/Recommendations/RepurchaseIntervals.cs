namespace Footfall.Recommendations;

/// <summary>
/// Each product's typical repurchase interval: the median gap between one person's consecutive purchases of it,
/// over everyone. Gaps under an hour are one order counted twice, not a repurchase.
/// </summary>
internal static class RepurchaseIntervals
{
    public static readonly TimeSpan MinGap = TimeSpan.FromHours(1);

    /// <summary>Per item, the median gap in ticks, or 0 when fewer than <paramref name="minGaps"/> were seen.</summary>
    /// <param name="historiesNewestFirst">Per person, their touches, newest first (only purchases count).</param>
    public static long[] Build(Touch[][] historiesNewestFirst, int itemCount, int minGaps)
    {
        var gaps = new List<long>?[itemCount];
        var lastOf = new Dictionary<int, long>();
        foreach (var history in historiesNewestFirst)
        {
            lastOf.Clear();
            // Oldest to newest, so each gap is to the previous purchase of the same item.
            for (var i = history.Length - 1; i >= 0; i--)
            {
                var p = history[i];
                if (p.Kind != TouchKind.Purchase) continue;
                if (lastOf.TryGetValue(p.Item, out var previous))
                {
                    if (p.Ticks - previous < MinGap.Ticks) continue;
                    (gaps[p.Item] ??= []).Add(p.Ticks - previous);
                }
                lastOf[p.Item] = p.Ticks;
            }
        }
        var result = new long[itemCount];
        for (var i = 0; i < itemCount; i++)
        {
            if (gaps[i] is not { } g || g.Count < minGaps) continue;
            g.Sort();
            result[i] = g.Count % 2 == 1 ? g[g.Count / 2] : (g[g.Count / 2 - 1] + g[g.Count / 2]) / 2;
        }
        return result;
    }

    /// <summary>
    /// Whether a product last bought at <paramref name="lastTicks"/> is due at <paramref name="nowTicks"/>: from 0.8 of
    /// its interval to 3 intervals (after that the person has likely stopped buying it). Score 1 when exactly due,
    /// falling off on either side.
    /// </summary>
    public static double? Due(long lastTicks, long nowTicks, long interval)
    {
        if (interval <= 0) return null;
        var ratio = (double)(nowTicks - lastTicks) / interval;
        if (ratio < 0.8 || ratio > 3) return null;
        return ratio <= 1 ? ratio : 1 / ratio;
    }
}
