using Footfall.Analytics;

namespace Footfall.Tests.Experiences;

public sealed class StatisticsTests
{
    [Fact]
    public void Probability_to_be_best_of_two_equal_arms_is_a_coin_flip()
    {
        var p = BetaPosterior.ProbabilityToBeBest([(50, 1000), (50, 1000)]);
        Assert.InRange(p[0], 0.48, 0.52);
        Assert.Equal(1.0, p[0] + p[1], 6);
    }

    [Fact]
    public void Probability_to_be_best_matches_the_closed_form_for_two_arms()
    {
        // Closed form (Evan Miller) for Beta(1+10, 1+90) vs Beta(1+20, 1+80): P(B > A) = 0.97517.
        var p = BetaPosterior.ProbabilityToBeBest([(10, 100), (20, 100)]);
        Assert.InRange(p[1], 0.97517 - 0.01, 0.97517 + 0.01);
    }

    [Fact]
    public void Probability_to_be_best_is_stable_to_a_hundredth()
    {
        var a = BetaPosterior.ProbabilityToBeBest([(120, 1000), (135, 1000), (128, 1000)]);
        var b = BetaPosterior.ProbabilityToBeBest([(120, 1000), (135, 1000), (128, 1000)]);
        Assert.Equal(a, b);
        Assert.Equal(1.0, a.Sum(), 6);
    }

    [Fact]
    public void Credible_interval_covers_the_rate()
    {
        var (low, high) = BetaPosterior.CredibleInterval(100, 1000);
        // Beta(101, 901): 2.5% and 97.5% quantiles are 0.0829 and 0.1202.
        Assert.Equal(0.0829, low, 2);
        Assert.Equal(0.1202, high, 2);
    }

    [Theory]
    [InlineData(500, 500, 1.0)]
    [InlineData(520, 480, 0.2059)] // chi2 = 1.6, df 1
    [InlineData(550, 450, 0.00157)] // chi2 = 10, df 1
    public void Sample_ratio_p_value_matches_the_chi_square_tail(long a, long b, double expected)
    {
        Assert.Equal(expected, SampleRatioMismatch.PValue([a, b], [50, 50]), 3);
    }

    [Fact]
    public void Sample_ratio_respects_unequal_weights()
    {
        Assert.True(SampleRatioMismatch.PValue([900, 100], [90, 10]) > 0.9);
        Assert.True(SampleRatioMismatch.PValue([500, 500], [90, 10]) < SampleRatioMismatch.Threshold);
    }
}
