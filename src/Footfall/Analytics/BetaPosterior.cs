namespace Footfall.Analytics;

/// <summary>
/// Bayesian comparison of conversion rates: each variant's rate has a Beta(1 + conversions, 1 + misses)
/// posterior (uniform prior). Probability to be best and credible intervals come from Monte Carlo draws
/// with a fixed seed, so the same counts always give the same answer on every node.
/// </summary>
public static class BetaPosterior
{
    /// <summary>Draws per variant: the standard error of a probability is then at most 0.0035, so answers are stable to 0.01.</summary>
    public const int Draws = 20_000;

    /// <summary>For each (successes, trials), the probability that its rate is the highest.</summary>
    public static double[] ProbabilityToBeBest(IReadOnlyList<(long Successes, long Trials)> arms) => Compare(arms).Best;

    /// <summary>The central 95% credible interval of the rate.</summary>
    public static (double Low, double High) CredibleInterval(long successes, long trials) => Compare([(successes, trials)]).Intervals[0];

    /// <summary>
    /// Probability to be best and the 95% credible interval of every arm, from one set of draws per arm (the
    /// draws are the cost, so both answers share them).
    /// </summary>
    public static (double[] Best, (double Low, double High)[] Intervals) Compare(IReadOnlyList<(long Successes, long Trials)> arms)
    {
        var samples = arms.Select((a, i) => Sample(a.Successes, a.Trials, seed: 7919 * (i + 1))).ToArray();
        var wins = new int[arms.Count];
        for (var d = 0; d < Draws && arms.Count > 0; d++)
        {
            var best = 0;
            for (var i = 1; i < arms.Count; i++)
            {
                if (samples[i][d] > samples[best][d]) best = i;
            }
            wins[best]++;
        }
        var intervals = samples.Select(sample =>
        {
            Array.Sort(sample);
            return (sample[(int)(Draws * 0.025)], sample[(int)(Draws * 0.975) - 1]);
        }).ToArray();
        return (wins.Select(w => (double)w / Draws).ToArray(), intervals);
    }

    private static double[] Sample(long successes, long trials, int seed)
    {
        var random = new Random(seed);
        var alpha = 1.0 + successes;
        var beta = 1.0 + Math.Max(0, trials - successes);
        var sample = new double[Draws];
        for (var d = 0; d < Draws; d++)
        {
            var x = Gamma(random, alpha);
            var y = Gamma(random, beta);
            sample[d] = x / (x + y);
        }
        return sample;
    }

    // Marsaglia and Tsang's method; shape >= 1 always holds here because of the uniform prior.
    private static double Gamma(Random random, double shape)
    {
        var d = shape - 1.0 / 3.0;
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = random.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v)))
                return d * v;
        }
    }

    private static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
