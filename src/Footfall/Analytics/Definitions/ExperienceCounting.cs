using Footfall.Events;
using Footfall.Experiences;
using Footfall.Identity;
using Footfall.Storage;

namespace Footfall.Analytics.Definitions;

/// <summary>
/// Experience results as CONTRACT §5 defines them, computed the plain way from a resolved history: the definition
/// that <see cref="IExperienceQueries.CountExperienceAsync"/>, <see cref="IExperienceQueries.ExperienceTimelineAsync"/> and the
/// DuckDB store's narrow exposure and metric tables are tested against.
/// </summary>
public static class ExperienceCounting
{
    /// <summary>One impression of the experience, filed under its person.</summary>
    private readonly record struct Exposure(Identifier Person, string Variant, DateTime Time);

    /// <summary>
    /// The attribution rule: a metric event at <paramref name="metricTime"/> is a conversion for the variant of an
    /// impression of the same person at <paramref name="impressionTime"/> when that impression lies in
    /// [metricTime - attributionDays, metricTime], both ends included.
    /// </summary>
    public static bool Attributes(DateTime impressionTime, DateTime metricTime, int attributionDays) =>
        impressionTime <= metricTime && impressionTime >= metricTime.AddDays(-attributionDays);

    /// <summary>
    /// Per variant: distinct persons with an impression in the range; per metric, the metric events in the range
    /// attributed to the variant (impressions at any time count for attribution) and the distinct persons among them.
    /// A variant is listed when it has an impression or a conversion in the range; a metric when it has a conversion.
    /// </summary>
    public static IReadOnlyList<VariantCounts> Count(ResolvedHistory history, ExperienceDefinition experience, TimeRange range)
    {
        var exposures = Exposures(history, experience);
        var result = new List<VariantCounts>();
        foreach (var variant in exposures.Select(x => x.Variant).Distinct().Order(StringComparer.Ordinal))
        {
            var inRange = exposures.Where(x => x.Variant == variant && range.Contains(x.Time)).ToList();
            var metrics = new Dictionary<string, MetricCounts>(StringComparer.Ordinal);
            foreach (var metric in experience.Metrics.Distinct())
            {
                var conversions = Conversions(history, exposures, experience, variant, metric, range);
                if (conversions.Count > 0)
                    metrics[metric] = new MetricCounts(conversions.Count, conversions.Select(history.PersonOf).Distinct().Count());
            }
            if (inRange.Count > 0 || metrics.Count > 0)
            {
                result.Add(new VariantCounts(variant, inRange.Select(x => x.Person).Distinct().Count(), metrics,
                    inRange.Count > 0 ? inRange.Min(x => x.Time) : null));
            }
        }
        return result;
    }

    /// <summary>
    /// Per UTC day and variant: the persons whose first impression of the variant in the range fell on that day, and
    /// the persons whose first conversion on <paramref name="metric"/> attributed to the variant in the range did.
    /// Only days with a count; ordered by day, then variant (ordinal).
    /// </summary>
    public static IReadOnlyList<DailyVariantCounts> Timeline(ResolvedHistory history, ExperienceDefinition experience, string metric, TimeRange range)
    {
        var exposures = Exposures(history, experience);
        var rows = new List<DailyVariantCounts>();
        foreach (var variant in exposures.Select(x => x.Variant).Distinct())
        {
            var firstExposed = exposures.Where(x => x.Variant == variant && range.Contains(x.Time))
                .GroupBy(x => x.Person).Select(g => Day(g.Min(x => x.Time)));
            var firstConverted = Conversions(history, exposures, experience, variant, metric, range)
                .GroupBy(history.PersonOf).Select(g => Day(g.Min(e => e.Time)));
            var exposedByDay = firstExposed.CountBy(d => d).ToDictionary();
            var convertedByDay = firstConverted.CountBy(d => d).ToDictionary();
            foreach (var day in exposedByDay.Keys.Union(convertedByDay.Keys))
                rows.Add(new DailyVariantCounts(day, variant, exposedByDay.GetValueOrDefault(day), convertedByDay.GetValueOrDefault(day)));
        }
        return rows.OrderBy(r => r.Day).ThenBy(r => r.Variant, StringComparer.Ordinal).ToList();
    }

    private static List<Exposure> Exposures(ResolvedHistory history, ExperienceDefinition experience) =>
        history.Events.Where(e => e.Action == BuiltInActions.Impression && e.Experience == experience.ShortUid)
            .Select(e => new Exposure(history.PersonOf(e), e.Variant ?? "", e.Time)).ToList();

    private static List<TrackedEvent> Conversions(ResolvedHistory history, List<Exposure> exposures, ExperienceDefinition experience,
        string variant, string metric, TimeRange range) =>
        history.Events.Where(e => e.Action == metric && range.Contains(e.Time) && exposures.Any(x =>
            x.Variant == variant && x.Person == history.PersonOf(e) && Attributes(x.Time, e.Time, experience.AttributionDays))).ToList();

    private static DateOnly Day(DateTime time) => DateOnly.FromDateTime(time);
}
