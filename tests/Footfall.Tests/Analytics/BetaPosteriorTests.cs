using Footfall.Analytics;

namespace Footfall.Tests.Analytics;

/// <summary>
/// <see cref="BetaPosterior"/> against exact oracles: the closed form of P(B > A) for two Beta posteriors with integer
/// shapes, closed-form quantiles of Beta(1, b) and Beta(a, 1), and for three arms a separate quadrature over exact
/// distribution functions (binomial tails). The Monte-Carlo estimate it replaced is checked against within its error.
/// </summary>
public sealed class BetaPosteriorTests
{
    public static TheoryData<long, long, long, long> TwoArms => new()
    {
        { 0, 0, 0, 0 },
        { 0, 0, 1, 1 },
        { 10, 100, 20, 100 },
        { 0, 50, 3, 50 },
        { 49, 50, 50, 50 },
        { 3, 10, 900, 1000 },
        { 1, 100_000, 0, 10 },
        { 1527, 10992, 1521, 10859 },
        { 17_182, 102_023, 17_087, 101_691 },
        { 40_000, 100_000, 40_500, 100_000 },
    };

    [Theory]
    [MemberData(nameof(TwoArms))]
    public void Probability_to_be_best_of_two_arms_is_the_closed_form(long successesA, long trialsA, long successesB, long trialsB)
    {
        var p = BetaPosterior.ProbabilityToBeBest([(successesA, trialsA), (successesB, trialsB)]);

        var exact = ProbabilityBBeatsA(1 + successesA, 1 + trialsA - successesA, 1 + successesB, 1 + trialsB - successesB);
        Assert.InRange(p[1], exact - BetaPosterior.Precision, exact + BetaPosterior.Precision);
        Assert.InRange(p[0], 1 - exact - BetaPosterior.Precision, 1 - exact + BetaPosterior.Precision);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 9)]
    [InlineData(0, 100_000)]
    [InlineData(5, 5)]
    [InlineData(250_000, 250_000)]
    public void Credible_interval_is_the_exact_quantiles(long successes, long trials)
    {
        // Beta(1, b) has F(x) = 1 - (1 - x)^b, Beta(a, 1) has F(x) = x^a: both invert in closed form.
        double a = 1 + successes, b = 1 + trials - successes;
        Func<double, double> quantile = a == 1 ? q => 1 - Math.Pow(1 - q, 1 / b) : q => Math.Pow(q, 1 / a);

        var (low, high) = BetaPosterior.CredibleInterval(successes, trials);

        Assert.Equal(quantile(0.025), low, BetaPosterior.Precision);
        Assert.Equal(quantile(0.975), high, BetaPosterior.Precision);
    }

    [Fact]
    public void Credible_interval_of_a_symmetric_posterior_is_symmetric()
    {
        var (low, high) = BetaPosterior.CredibleInterval(500, 1000);

        Assert.Equal(1 - high, low, BetaPosterior.Precision);
        Assert.Equal(0.025, Cdf(501, 501, low), 7);
    }

    [Fact]
    public void Probability_to_be_best_of_three_arms_matches_a_quadrature_over_exact_distribution_functions()
    {
        (long, long)[] arms = [(120, 1000), (135, 1000), (128, 1000)];

        var p = BetaPosterior.ProbabilityToBeBest(arms);

        var exact = ThreeArms(arms);
        for (var i = 0; i < 3; i++)
            Assert.InRange(p[i], exact[i] - BetaPosterior.Precision, exact[i] + BetaPosterior.Precision);
        Assert.Equal(1.0, p.Sum(), 9);
    }

    [Fact]
    public void Identical_arms_share_the_probability_evenly()
    {
        var p = BetaPosterior.ProbabilityToBeBest([(40, 400), (40, 400), (40, 400), (40, 400)]);

        Assert.All(p, x => Assert.Equal(0.25, x, BetaPosterior.Precision));
    }

    [Fact]
    public void An_arm_with_no_impressions_is_compared_as_the_uniform_prior()
    {
        // Beta(1, 1) against Beta(2, 1) (one success in one trial): P(X > U) = ∫ 2x · x dx = 2/3.
        var p = BetaPosterior.ProbabilityToBeBest([(0, 0), (1, 1)]);

        Assert.Equal(2.0 / 3, p[1], BetaPosterior.Precision);
    }

    [Fact]
    public void Stays_within_the_error_of_the_Monte_Carlo_answers_it_replaced()
    {
        // Recorded from the 20,000-draw Monte-Carlo version (standard error <= 0.0035 for a probability): the 10M-event
        // benchmark's exp-1 answered 0.597 / 0.4029 with intervals [0.16614, 0.17073] and [0.16572, 0.17035].
        var (best, intervals) = BetaPosterior.Compare([(17_182, 102_023), (17_087, 101_691)]);

        Assert.InRange(best[0], 0.597 - 4 * 0.0035, 0.597 + 4 * 0.0035);
        Assert.InRange(intervals[0].Low, 0.16614 - 0.0002, 0.16614 + 0.0002);
        Assert.InRange(intervals[0].High, 0.17073 - 0.0002, 0.17073 + 0.0002);
        Assert.InRange(intervals[1].Low, 0.16572 - 0.0002, 0.16572 + 0.0002);
        Assert.InRange(intervals[1].High, 0.17035 - 0.0002, 0.17035 + 0.0002);
    }

    [Fact]
    public void Regression_MonteCarloPosterior_ThreeArmsOffByFiveStandardErrors()
    {
        // exp-2 of the 10M-event benchmark. The 20,000-draw estimate answered 0.2514 / 0.3199 / 0.4288, 4-5 of its own
        // standard errors (0.0033) from the truth; 600,000 independent draws (Python's random.betavariate, seed 12345)
        // give 0.23741 / 0.33781 / 0.42478, standard error 0.0006.
        var p = BetaPosterior.ProbabilityToBeBest([(11_508, 68_573), (11_491, 68_317), (11_423, 67_806)]);

        Assert.InRange(p[0], 0.23741 - 0.0018, 0.23741 + 0.0018);
        Assert.InRange(p[1], 0.33781 - 0.0018, 0.33781 + 0.0018);
        Assert.InRange(p[2], 0.42478 - 0.0018, 0.42478 + 0.0018);
    }

    [Fact]
    public void No_arms_give_no_answers()
    {
        var (best, intervals) = BetaPosterior.Compare([]);

        Assert.Empty(best);
        Assert.Empty(intervals);
    }

    // Evan Miller's closed form for integer shapes: P(B > A) = Σ_{i<αB} B(αA+i, βA+βB) / ((βB+i) B(1+i, βB) B(αA, βA)).
    private static double ProbabilityBBeatsA(long alphaA, long betaA, long alphaB, long betaB)
    {
        var sum = 0.0;
        for (long i = 0; i < alphaB; i++)
        {
            sum += Math.Exp(LogBeta(alphaA + i, betaA + betaB) - Math.Log(betaB + i) - LogBeta(1 + i, betaB) - LogBeta(alphaA, betaA));
        }
        return sum;
    }

    private static double[] ThreeArms((long Successes, long Trials)[] arms)
    {
        // Simpson's rule over [0, 0.3] in steps of 1/200 of a deviation; the arms' mass beyond 0.3 is below 1e-40.
        const int steps = 6000;
        const double end = 0.3;
        var shapes = arms.Select(a => (A: 1 + a.Successes, B: 1 + a.Trials - a.Successes)).ToArray();
        var p = new double[arms.Length];
        for (var n = 0; n <= steps; n++)
        {
            var x = end * n / steps;
            var weight = n == 0 || n == steps ? 1 : n % 2 == 1 ? 4 : 2;
            var cdf = shapes.Select(s => Cdf(s.A, s.B, x)).ToArray();
            for (var i = 0; i < arms.Length; i++)
            {
                var others = cdf.Where((_, j) => j != i).Aggregate(1.0, (product, c) => product * c);
                p[i] += weight * Density(shapes[i].A, shapes[i].B, x) * others;
            }
        }
        return p.Select(v => v * end / steps / 3).ToArray();
    }

    // For integer shapes, F(x) of Beta(a, b) is the chance of at least a successes in a + b - 1 Bernoulli(x) trials.
    private static double Cdf(long a, long b, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var n = a + b - 1;
        var sum = 0.0;
        for (var m = a; m <= n; m++)
            sum += Math.Exp(LogFactorial(n) - LogFactorial(m) - LogFactorial(n - m) + m * Math.Log(x) + (n - m) * Math.Log(1 - x));
        return sum;
    }

    private static double Density(long a, long b, double x) =>
        x <= 0 || x >= 1 ? 0 : Math.Exp((a - 1) * Math.Log(x) + (b - 1) * Math.Log(1 - x) - LogBeta(a, b));

    private static double LogBeta(long a, long b) => LogFactorial(a - 1) + LogFactorial(b - 1) - LogFactorial(a + b - 1);

    private static readonly double[] LogFactorials = BuildLogFactorials(600_000);

    private static double LogFactorial(long n) => LogFactorials[n];

    // Compensated (Kahan) summation: a plain running sum of 600,000 logarithms drifts by ~1e-7, the precision tested.
    private static double[] BuildLogFactorials(int size)
    {
        var table = new double[size];
        double sum = 0, carry = 0;
        for (var n = 2; n < size; n++)
        {
            var term = Math.Log(n) - carry;
            var next = sum + term;
            carry = next - sum - term;
            sum = next;
            table[n] = sum;
        }
        return table;
    }
}
