using Footfall.Analytics;
using Footfall.Storage;

namespace Footfall.Experiences;

/// <summary>The answer of <c>GET /v1/experiences/{shortUid}/results</c> (CONTRACT §5).</summary>
public sealed record ExperienceResults(
    string Experience,
    int AttributionDays,
    IReadOnlyList<VariantResult> Variants,
    SampleRatioMismatchResult SampleRatioMismatch,
    string? Winner)
{
    /// <summary>The probability to be best a variant needs on the first metric to be called the winner.</summary>
    public const double WinningProbability = 0.95;

    /// <summary>Turns the store's counts into rates, posteriors, the SRM check and the winner.</summary>
    public static ExperienceResults Compute(ExperienceDefinition experience, IReadOnlyList<VariantCounts> counts)
    {
        var byVariant = counts.ToDictionary(c => c.Variant, StringComparer.Ordinal);
        // Configured variants first, in their order; anything seen but not configured after them.
        var names = experience.Variants.Select(v => v.ShortUid)
            .Concat(counts.Select(c => c.Variant).Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal).ToList();
        var impressions = names.Select(n => byVariant.TryGetValue(n, out var c) ? c.Impressions : 0).ToList();
        var metricResults = names.Select(_ => new Dictionary<string, MetricResult>(StringComparer.Ordinal)).ToList();
        foreach (var metric in experience.Metrics)
        {
            var arms = names.Select((n, i) =>
            {
                var m = byVariant.TryGetValue(n, out var c) ? c.Metrics.GetValueOrDefault(metric) : default;
                return (m, impressions[i]);
            }).ToList();
            var (best, intervals) = BetaPosterior.Compare(arms.Select(a => (Math.Min(a.m.ConvertedUsers, a.Item2), a.Item2)).ToList());
            for (var i = 0; i < names.Count; i++)
            {
                var (m, trials) = arms[i];
                var (low, high) = intervals[i];
                metricResults[i][metric] = new MetricResult(m.Conversions, m.ConvertedUsers,
                    trials == 0 ? 0 : (double)m.ConvertedUsers / trials, Math.Round(best[i], 4), [Math.Round(low, 5), Math.Round(high, 5)]);
            }
        }
        var variants = names.Select((n, i) => new VariantResult(n, impressions[i], metricResults[i])).ToList();
        var srm = CheckSampleRatio(experience, names, impressions);
        return new ExperienceResults(experience.ShortUid, experience.AttributionDays, variants, srm, PickWinner(experience, variants, srm));
    }

    private static SampleRatioMismatchResult CheckSampleRatio(ExperienceDefinition experience, List<string> names, List<long> impressions)
    {
        var weights = names.Select(n => experience.Variants.FirstOrDefault(v => v.ShortUid == n)?.Weight
            ?? (experience.Variants.Count == 0 ? 1.0 : 0.0)).ToList();
        var p = Analytics.SampleRatioMismatch.PValue(impressions, weights);
        // Impressions of a variant that should get no traffic at all are a mismatch by definition.
        var unexpected = names.Where((_, i) => weights[i] <= 0 && impressions[i] > 0).Any();
        if (unexpected) p = 0;
        return new SampleRatioMismatchResult(p, p < Analytics.SampleRatioMismatch.Threshold);
    }

    private static string? PickWinner(ExperienceDefinition experience, List<VariantResult> variants, SampleRatioMismatchResult srm)
    {
        if (srm.Detected || experience.Metrics.Count == 0)
            return null;
        var first = experience.Metrics[0];
        return variants.FirstOrDefault(v => v.Metrics.TryGetValue(first, out var m) && m.ProbabilityToBeBest >= WinningProbability)?.Variant;
    }
}

/// <summary>One variant's results.</summary>
public sealed record VariantResult(string Variant, long Impressions, IReadOnlyDictionary<string, MetricResult> Metrics);

/// <summary>One metric's results for one variant.</summary>
public sealed record MetricResult(long Conversions, long ConvertedUsers, double ConversionRate, double ProbabilityToBeBest, double[] CredibleInterval);

/// <summary>The sample-ratio-mismatch check.</summary>
public sealed record SampleRatioMismatchResult(double PValue, bool Detected);
