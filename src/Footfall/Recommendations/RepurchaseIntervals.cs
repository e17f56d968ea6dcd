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
        var gaps = new Gaps(itemCount);
        for (var person = 0; person < historiesNewestFirst.Length; person++)
        {
            var history = historiesNewestFirst[person];
            // Oldest to newest, so each gap is to the previous purchase of the same item.
            for (var i = history.Length - 1; i >= 0; i--)
                if (history[i].Kind == TouchKind.Purchase)
                    gaps.Add(person, history[i].Item, history[i].Ticks);
        }
        return gaps.Medians(minGaps);
    }

    /// <summary>
    /// Gaps between purchases, fed person by person with each person's purchases of an item oldest first (items may
    /// interleave). A gap under <see cref="MinGap"/> is skipped and does not move the last purchase.
    /// </summary>
    public sealed class Gaps(int itemCount)
    {
        private readonly List<long>?[] _gaps = new List<long>?[itemCount];
        private readonly Dictionary<int, long> _lastOf = [];
        private long _person = -1;

        public void Add(long person, int item, long ticks)
        {
            if (person != _person)
            {
                _lastOf.Clear();
                _person = person;
            }
            if (_lastOf.TryGetValue(item, out var previous))
            {
                if (ticks - previous < MinGap.Ticks) return;
                (_gaps[item] ??= []).Add(ticks - previous);
            }
            _lastOf[item] = ticks;
        }

        /// <summary>Per item, the median gap in ticks, or 0 when fewer than <paramref name="minGaps"/> were seen.</summary>
        public long[] Medians(int minGaps)
        {
            var result = new long[_gaps.Length];
            for (var i = 0; i < _gaps.Length; i++)
            {
                if (_gaps[i] is not { } g || g.Count < minGaps) continue;
                g.Sort();
                result[i] = g.Count % 2 == 1 ? g[g.Count / 2] : (g[g.Count / 2 - 1] + g[g.Count / 2]) / 2;
            }
            return result;
        }
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
