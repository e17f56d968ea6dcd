namespace Footfall.Analytics;

/// <summary>
/// Sample ratio mismatch: a chi-square goodness-of-fit test of the impressions each variant got against the
/// configured weights. A tiny p-value means assignment or tracking is broken and the results are not to be trusted.
/// </summary>
public static class SampleRatioMismatch
{
    /// <summary>The p-value below which a mismatch is reported.</summary>
    public const double Threshold = 0.001;

    /// <summary>The p-value of observing <paramref name="observed"/> given the expected shares <paramref name="weights"/>.</summary>
    public static double PValue(IReadOnlyList<long> observed, IReadOnlyList<double> weights)
    {
        var total = observed.Sum();
        var weightSum = weights.Sum();
        if (observed.Count < 2 || total == 0 || weightSum <= 0)
            return 1;
        double chi = 0;
        var degrees = -1;
        for (var i = 0; i < observed.Count; i++)
        {
            var expected = total * weights[i] / weightSum;
            if (expected <= 0)
                continue;
            chi += (observed[i] - expected) * (observed[i] - expected) / expected;
            degrees++;
        }
        return degrees < 1 ? 1 : Gamma.UpperRegularized(degrees / 2.0, chi / 2.0);
    }
}
