using Footfall.Storage;

namespace Footfall.Experiences;

/// <summary>Cumulative conversion rate per variant, day by day: what the results would have said at each day's end.</summary>
public sealed record ExperienceTimeline(string Metric, IReadOnlyList<TimelineDay> Days)
{
    /// <summary>Accumulates the store's per-day first exposures and first conversions.</summary>
    public static ExperienceTimeline Compute(string metric, IEnumerable<string> variants, IReadOnlyList<DailyVariantCounts> daily)
    {
        var names = variants.Concat(daily.Select(d => d.Variant)).Distinct(StringComparer.Ordinal).ToList();
        var exposed = names.ToDictionary(n => n, _ => 0L, StringComparer.Ordinal);
        var converted = names.ToDictionary(n => n, _ => 0L, StringComparer.Ordinal);
        var days = new List<TimelineDay>();
        foreach (var day in daily.GroupBy(d => d.Day).OrderBy(g => g.Key))
        {
            foreach (var d in day)
            {
                exposed[d.Variant] += d.NewImpressions;
                converted[d.Variant] += d.NewConvertedUsers;
            }
            days.Add(new TimelineDay(day.Key, names.ToDictionary(n => n,
                n => new TimelinePoint(exposed[n], converted[n], exposed[n] == 0 ? 0 : (double)converted[n] / exposed[n]), StringComparer.Ordinal)));
        }
        return new ExperienceTimeline(metric, days);
    }
}

/// <summary>One day of the timeline.</summary>
public sealed record TimelineDay(DateOnly Date, IReadOnlyDictionary<string, TimelinePoint> Variants);

/// <summary>Cumulative figures of one variant at a day's end.</summary>
public sealed record TimelinePoint(long Impressions, long ConvertedUsers, double ConversionRate);
