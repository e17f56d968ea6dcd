using BenchmarkDotNet.Attributes;
using Footfall.Analytics;

namespace Footfall.Benchmarks;

/// <summary>
/// The arithmetic of every results request: <see cref="BetaPosterior.Compare"/> integrates every arm's posterior over
/// one shared grid (1,024 steps an arm) for probability to be best and the 95% interval, once per metric.
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

    [Benchmark(Description = "BetaPosterior.Compare")]
    public double Compare() => BetaPosterior.Compare(_arms).Best[0];
}
