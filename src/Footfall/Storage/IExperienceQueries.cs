using Footfall.Experiences;

namespace Footfall.Storage;

/// <summary>The numbers of an experience's results (CONTRACT §5), persons resolved through links.</summary>
public interface IExperienceQueries
{
    /// <summary>Impressions and attributed conversions per variant (CONTRACT §5), persons resolved through links.</summary>
    Task<IReadOnlyList<VariantCounts>> CountExperienceAsync(string projectId, ExperienceDefinition experience, TimeRange range, CancellationToken cancellationToken = default);

    /// <summary>Per day and variant, the persons first exposed that day and first converted on <paramref name="metric"/> that day.</summary>
    Task<IReadOnlyList<DailyVariantCounts>> ExperienceTimelineAsync(string projectId, ExperienceDefinition experience, string metric, TimeRange range, CancellationToken cancellationToken = default);
}

/// <summary>Counts for one variant of an experience.</summary>
/// <param name="Variant">The variant's short uid.</param>
/// <param name="Impressions">Distinct persons with an impression of it in the range.</param>
/// <param name="Metrics">Attributed conversions per metric action (absent: none).</param>
/// <param name="FirstImpression">The earliest impression of it in the range, if any.</param>
public sealed record VariantCounts(string Variant, long Impressions, IReadOnlyDictionary<string, MetricCounts> Metrics,
    DateTime? FirstImpression = null);

/// <summary>Attributed conversions of one metric.</summary>
/// <param name="Conversions">Metric events attributed to the variant.</param>
/// <param name="ConvertedUsers">Distinct persons with at least one.</param>
public readonly record struct MetricCounts(long Conversions, long ConvertedUsers);

/// <summary>Persons newly exposed and newly converted on one day, for one variant.</summary>
public sealed record DailyVariantCounts(DateOnly Day, string Variant, long NewImpressions, long NewConvertedUsers);
