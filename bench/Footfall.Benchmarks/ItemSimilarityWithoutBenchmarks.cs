using BenchmarkDotNet.Attributes;
using Footfall.Recommendations;

namespace Footfall.Benchmarks;

/// <summary>
/// The in-memory part of an erasure's model update (<see cref="ItemSimilarity.Without"/>), at the shape of the 100M
/// shop's 2,000th most active user: 20,000 items with 50 neighbours each, 130 items touched, and the 165K pairs the
/// store's cut read returned for them (each touched item's top 50, the rest pairs of other items with a touched one
/// that reach the other's floor).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ItemSimilarityWithoutBenchmarks
{
    private const int Items = 20_000;
    private const int Neighbours = 50;
    private IReadOnlyList<(int Item, float Score)>[] _before = [];
    private HashSet<int> _changed = [];
    private int[] _reach = [];
    private Dictionary<long, int> _pairs = [];

    /// <summary>Items the erased person touched.</summary>
    [Params(130, 700)]
    public int Touched { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _reach = Enumerable.Range(0, Items).Select(_ => random.Next(100, 20_000)).ToArray();
        _before = Enumerable.Range(0, Items).Select(i => (IReadOnlyList<(int, float)>)Enumerable.Range(0, Neighbours)
            .Select(_ => (Item: random.Next(Items), Score: (float)random.NextDouble() * 0.1f)).DistinctBy(n => n.Item).Where(n => n.Item != i)
            .OrderByDescending(n => n.Score).ThenBy(n => n.Item).ToArray()).ToArray();
        _changed = Enumerable.Range(0, Touched).Select(_ => random.Next(Items)).ToHashSet();
        _pairs = ItemSimilarity.NewPairCounts();
        var changed = _changed.ToArray();
        // ~1,270 pairs per touched item (165K for 130).
        for (var k = 0; k < changed.Length * 1_270; k++)
        {
            var (a, b) = (changed[k % changed.Length], random.Next(Items));
            if (a != b)
                _pairs[ItemSimilarity.PairKey(a, b)] = random.Next(1, 500);
        }
    }

    [Benchmark(Description = "ItemSimilarity.Without")]
    public int Without() => ItemSimilarity.Without(_before, _changed, _reach, _pairs, Neighbours).Length;
}
