namespace Footfall.Analytics;

/// <summary>
/// Bayesian comparison of conversion rates: each variant's rate has a Beta(1 + conversions, 1 + misses) posterior
/// (uniform prior). Probability to be best and the 95% credible interval are computed by numerical integration, not
/// drawn: P(arm i is best) = ∫ f_i(x) Π_{j≠i} F_j(x) dx over one grid that resolves every arm, so the same counts give
/// the same answer on every node, to within <see cref="Precision"/>, in well under a millisecond per metric.
/// </summary>
public static class BetaPosterior
{
    /// <summary>
    /// The absolute error bound of every probability and interval end, verified against the closed form for two arms
    /// and against exact quantiles (BetaPosteriorTests); the answers are rounded to 4 and 5 decimals, far above it.
    /// </summary>
    public const double Precision = 1e-7;

    // Each arm's posterior is integrated over its mean ± 40 standard deviations: Beta densities with both shapes >= 1
    // are log-concave, so the mass beyond t deviations is below e^(1 - t), here 1e-17. Each arm's part of the grid has
    // this many steps (one step is 1/12.8 of a deviation): Simpson's rule and RK4 then stay well inside Precision.
    private const double Deviations = 40;
    private const int StepsPerArm = 1024;

    /// <summary>For each (successes, trials), the probability that its rate is the highest.</summary>
    public static double[] ProbabilityToBeBest(IReadOnlyList<(long Successes, long Trials)> arms) => Compare(arms).Best;

    /// <summary>The central 95% credible interval of the rate.</summary>
    public static (double Low, double High) CredibleInterval(long successes, long trials) => Compare([(successes, trials)]).Intervals[0];

    /// <summary>Probability to be best and the 95% credible interval of every arm, from one integration over a shared grid.</summary>
    public static (double[] Best, (double Low, double High)[] Intervals) Compare(IReadOnlyList<(long Successes, long Trials)> arms)
    {
        if (arms.Count == 0)
            return ([], []);
        var posteriors = arms.Select(a => new Posterior(1.0 + a.Successes, 1.0 + Math.Max(0, a.Trials - a.Successes))).ToArray();
        var grid = Grid(posteriors);
        var cumulative = Integrate(posteriors, grid, out var best);
        var intervals = posteriors.Select((p, j) => (Quantile(p, grid, cumulative[j], 0.025), Quantile(p, grid, cumulative[j], 0.975))).ToArray();
        return (best, intervals);
    }

    // The union of every arm's evenly spaced points, so each arm is resolved where its density lives.
    private static double[] Grid(Posterior[] posteriors)
    {
        var points = new List<double>(posteriors.Length * (StepsPerArm + 1));
        foreach (var p in posteriors)
        {
            for (var n = 0; n <= StepsPerArm; n++)
                points.Add(p.Low + (p.High - p.Low) * n / StepsPerArm);
        }
        points.Sort();
        var unique = new List<double>(points.Count);
        foreach (var x in points)
        {
            if (unique.Count == 0 || x > unique[^1])
                unique.Add(x);
        }
        return unique.ToArray();
    }

    /// <summary>
    /// Integrates the system F_j' = f_j, G_i' = f_i Π_{j≠i} F_j over the grid with the classical Runge-Kutta method:
    /// F_j becomes each arm's distribution function at the grid points (Simpson's rule on the density, scaled to a
    /// total of exactly 1), G_i at the end each arm's probability to be best.
    /// </summary>
    private static double[][] Integrate(Posterior[] posteriors, double[] grid, out double[] best)
    {
        var k = posteriors.Length;
        var steps = grid.Length - 1;
        var atPoint = new double[k][];
        var atMiddle = new double[k][];
        var mass = new double[k];
        for (var j = 0; j < k; j++)
        {
            atPoint[j] = new double[grid.Length];
            atMiddle[j] = new double[steps];
            for (var n = 0; n <= steps; n++)
                atPoint[j][n] = posteriors[j].Density(grid[n]);
            for (var n = 0; n < steps; n++)
            {
                atMiddle[j][n] = posteriors[j].Density((grid[n] + grid[n + 1]) / 2);
                mass[j] += (grid[n + 1] - grid[n]) / 6 * (atPoint[j][n] + 4 * atMiddle[j][n] + atPoint[j][n + 1]);
            }
            // The unnormalised density's own integral is the normaliser: no Beta function, and F_j ends at 1 exactly.
            for (var n = 0; n <= steps; n++)
                atPoint[j][n] /= mass[j];
            for (var n = 0; n < steps; n++)
                atMiddle[j][n] /= mass[j];
        }
        var cumulative = new double[k][];
        for (var j = 0; j < k; j++)
            cumulative[j] = new double[grid.Length];
        best = new double[k];
        var f = new double[k];
        var stage = new double[k];
        for (var n = 0; n < steps; n++)
        {
            var h = grid[n + 1] - grid[n];
            for (var j = 0; j < k; j++)
                f[j] = cumulative[j][n];
            for (var i = 0; i < k; i++)
            {
                var k1 = atPoint[i][n] * Others(f, i, atPoint, n, 0);
                var k2 = atMiddle[i][n] * Others(f, i, atPoint, n, h / 2);
                var k3 = atMiddle[i][n] * Others(f, i, atMiddle, n, h / 2);
                var k4 = atPoint[i][n + 1] * Others(f, i, atMiddle, n, h);
                best[i] += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
            }
            for (var j = 0; j < k; j++)
                stage[j] = f[j] + h / 6 * (atPoint[j][n] + 4 * atMiddle[j][n] + atPoint[j][n + 1]);
            for (var j = 0; j < k; j++)
                cumulative[j][n + 1] = stage[j];
        }
        return cumulative;
    }

    // Π_{j≠i} of the Runge-Kutta stage estimate F_j + step · slope_j[n].
    private static double Others(double[] f, int i, double[][] slope, int n, double step)
    {
        var product = 1.0;
        for (var j = 0; j < f.Length; j++)
        {
            if (j != i)
                product *= Math.Min(1.0, f[j] + step * slope[j][n]);
        }
        return product;
    }

    // Solves F(x) = q inside the grid step where the cumulative values cross q, by Newton's method on Simpson's rule
    // over the part of the step (the step is a fraction of a deviation, so the partial integral keeps the precision).
    private static double Quantile(Posterior p, double[] grid, double[] cumulative, double q)
    {
        var n = Array.FindLastIndex(cumulative, c => c <= q);
        if (n < 0) return grid[0];
        if (n >= grid.Length - 1) return grid[^1];
        var start = grid[n];
        var end = grid[n + 1];
        var scale = (cumulative[n + 1] - cumulative[n]) / p.Integral(start, end);
        var x = start + (end - start) * (q - cumulative[n]) / (cumulative[n + 1] - cumulative[n]);
        for (var iteration = 0; iteration < 50; iteration++)
        {
            var value = cumulative[n] + scale * p.Integral(start, x) - q;
            var slope = scale * p.Density(x);
            if (slope <= 0) break;
            var next = Math.Clamp(x - value / slope, start, end);
            if (Math.Abs(next - x) < 1e-15) break;
            x = next;
        }
        return x;
    }

    /// <summary>Beta(a, b) with a, b >= 1, its density scaled to 1 at the mode (the caller normalises it).</summary>
    private sealed class Posterior
    {
        private readonly double _a;
        private readonly double _b;
        private readonly double _logAtMode;

        public Posterior(double a, double b)
        {
            _a = a;
            _b = b;
            var mean = a / (a + b);
            var deviation = Math.Sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
            Low = Math.Max(0, mean - Deviations * deviation);
            High = Math.Min(1, mean + Deviations * deviation);
            _logAtMode = LogKernel(a, b, a + b > 2 ? (a - 1) / (a + b - 2) : 0.5);
        }

        /// <summary>Where the grid covers this arm.</summary>
        public double Low { get; }

        /// <summary>Where the grid covers this arm.</summary>
        public double High { get; }

        public double Density(double x) => x < Low || x > High ? 0 : Math.Exp(LogKernel(_a, _b, x) - _logAtMode);

        /// <summary>Simpson's rule from <paramref name="from"/> to <paramref name="to"/>, one panel (a fraction of a grid step).</summary>
        public double Integral(double from, double to) =>
            (to - from) / 6 * (Density(from) + 4 * Density((from + to) / 2) + Density(to));

        // A shape of exactly 1 contributes nothing, also at the ends where the logarithm is infinite.
        private static double LogKernel(double a, double b, double x) =>
            (a == 1 ? 0 : (a - 1) * Math.Log(x)) + (b == 1 ? 0 : (b - 1) * Math.Log(1 - x));
    }
}
