using BenchmarkDotNet.Attributes;
using Footfall.Analytics;

namespace Footfall.Benchmarks;

/// <summary>
/// The arithmetic of every results request: <see cref="BetaPosterior.Compare"/> draws 40,000 Beta samples per arm,
/// counts wins and sorts each arm for its interval. The baseline fills the same arrays with plain uniform numbers and
/// sorts them: the memory, the generator and the sort with none of the Gamma sampling, so the ratio is what the
/// sampler itself costs.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class BetaPosteriorBenchmarks
{
    private (long Successes, long Trials)[] _arms = [];

    /// <summary>Variants compared.</summary>
    [Params(2, 4)]
    public int Arms { get; set; }

    [GlobalSetup]
    public void Setup() =>
        // Counts of the size the 10M-event run produces: ~100K impressions per arm, conversion around 40%.
        _arms = Enumerable.Range(0, Arms).Select(i => (40_000L + 500 * i, 100_000L)).ToArray();

    [Benchmark(Baseline = true, Description = "uniform draws + sort (floor)")]
    public double UniformAndSort()
    {
        var sum = 0.0;
        for (var i = 0; i < _arms.Length; i++)
        {
            var random = new Random(7919 * (i + 1));
            var sample = new double[BetaPosterior.Draws];
            for (var d = 0; d < sample.Length; d++)
                sample[d] = random.NextDouble();
            Array.Sort(sample);
            sum += sample[(int)(BetaPosterior.Draws * 0.025)];
        }
        return sum;
    }

    [Benchmark(Description = "BetaPosterior.Compare")]
    public double Compare() => BetaPosterior.Compare(_arms).Best[0];
}
