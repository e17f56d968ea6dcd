namespace Footfall.Client;

/// <summary>An A/B experience's results (CONTRACT §5).</summary>
/// <param name="Experience">The experience's short uid.</param>
/// <param name="AttributionDays">How long after an impression a metric event counts as a conversion.</param>
/// <param name="Variants">Each variant's impressions and metrics.</param>
/// <param name="SampleRatioMismatch">Whether traffic split differently from the weights.</param>
/// <param name="Winner">The variant judged best on the first metric, or null.</param>
public sealed record ExperienceResults(
    string Experience, int AttributionDays, IReadOnlyList<VariantResults> Variants, SampleRatioMismatch SampleRatioMismatch, string? Winner);

/// <summary>One variant's results.</summary>
/// <param name="Variant">The variant's short uid.</param>
/// <param name="Impressions">Distinct persons shown the variant in the period.</param>
/// <param name="Metrics">By metric action.</param>
public sealed record VariantResults(string Variant, long Impressions, IReadOnlyDictionary<string, MetricResults> Metrics);

/// <summary>One metric of one variant.</summary>
/// <param name="Conversions">Attributed metric events in the period.</param>
/// <param name="ConvertedUsers">Distinct persons with at least one conversion.</param>
/// <param name="ConversionRate">ConvertedUsers / Impressions.</param>
/// <param name="ProbabilityToBeBest">The posterior probability that this variant converts best.</param>
public sealed record MetricResults(long Conversions, long ConvertedUsers, double ConversionRate, double ProbabilityToBeBest)
{
    /// <summary>The 95% credible interval of the conversion rate, low then high.</summary>
    public IReadOnlyList<double>? CredibleInterval { get; init; }
}

/// <summary>The sample-ratio-mismatch check.</summary>
/// <param name="PValue">The chi-squared test's p-value.</param>
/// <param name="Detected">True when the split is implausible under the configured weights.</param>
public sealed record SampleRatioMismatch(double PValue, bool Detected);

/// <summary>An A/B experience definition for <c>PUT /v1/experiences/{shortUid}</c>.</summary>
/// <param name="Name">A display name.</param>
/// <param name="Variants">The variants and their traffic weights.</param>
/// <param name="Metrics">The actions that count as conversions; the first decides the winner.</param>
/// <param name="AttributionDays">1-365; default 30.</param>
public sealed record ExperienceDefinition(string Name, IReadOnlyList<ExperienceVariant> Variants, IReadOnlyList<string> Metrics, int AttributionDays = 30);

/// <summary>A variant and its traffic weight.</summary>
/// <param name="ShortUid">The variant's id, e.g. "0", "1".</param>
/// <param name="Weight">Its relative share of traffic.</param>
public sealed record ExperienceVariant(string ShortUid, double Weight = 1);
