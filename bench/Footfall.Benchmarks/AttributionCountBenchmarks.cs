using BenchmarkDotNet.Attributes;
using Footfall.Analytics;
using Footfall.Events;
using Footfall.Experiences;
using Footfall.Storage;

namespace Footfall.Benchmarks;

/// <summary>
/// The counting behind experience results on the embedded store: <see cref="AttributionIndex.Count"/> over a
/// two-variant experience with <c>product_purchase</c> as metric and a 30-day window, shaped like the 10M-event store
/// run (two impressions per person, 0.3 purchases per impression). The baseline is the same call with a range before
/// any data: it walks the same persons, the same exposure lists and looks up the same purchase lists, but every entry
/// fails the range test, so no window test and no counting happens. That is the floor of the index's layout
/// (pointer-chasing per-person lists); the ratio is what attribution itself adds.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AttributionCountBenchmarks
{
    private const int Project = 1;
    private static readonly DateTime Start = new(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly ExperienceDefinition Experience = new()
    {
        ShortUid = "hero",
        Variants = [new VariantDefinition("0", 1), new VariantDefinition("1", 1)],
        Metrics = [BuiltInActions.Purchase],
        AttributionDays = 30,
    };
    private static readonly TimeRange BeforeAnyData = new(Start.AddDays(-2), Start.AddDays(-1));

    private AttributionIndex _index = new();

    /// <summary>Impressions held; persons are half as many, purchases 0.3 times as many.</summary>
    [Params(100_000, 1_000_000)]
    public int Impressions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var persons = Impressions / 2;
        var month = 30L * 86_400_000;
        var startMs = EventTime.ToUnixMs(Start);
        _index = new AttributionIndex();
        _index.Track(Project, BuiltInActions.Purchase);
        for (var i = 0; i < Impressions; i++)
        {
            var person = random.Next(persons);
            _index.AddExposure(Project, Experience.ShortUid, (person % 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
                person, startMs + random.NextInt64(month));
        }
        for (var i = 0; i < Impressions * 3 / 10; i++)
            _index.AddAction(Project, BuiltInActions.Purchase, random.Next(persons), startMs + random.NextInt64(month), i);
        if (_index.Count(Project, Experience, TimeRange.All).Sum(v => v.Impressions) == 0
            || _index.Count(Project, Experience, BeforeAnyData).Count != 0)
            throw new InvalidOperationException("the index does not hold what the benchmark expects");
    }

    [Benchmark(Baseline = true, Description = "Count, range before all data (walk floor)")]
    public int CountNothing() => _index.Count(Project, Experience, BeforeAnyData).Count;

    [Benchmark(Description = "Count, all time")]
    public long CountAll()
    {
        var counts = _index.Count(Project, Experience, TimeRange.All);
        return counts[0].Impressions + counts[0].Metrics[BuiltInActions.Purchase].Conversions;
    }
}
