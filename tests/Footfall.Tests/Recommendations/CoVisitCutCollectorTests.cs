using CsCheck;
using Footfall.Storage;

namespace Footfall.Tests.Recommendations;

/// <summary>
/// A store streams an erasure's asked rows into <see cref="CoVisitCutCollector"/> in whatever order it reads them; the
/// cut's definition, <see cref="CoVisitCut.Apply"/> over every pair, is its oracle: the same pairs, not merely more.
/// </summary>
public sealed class CoVisitCutCollectorTests
{
    // Small reaches, counts and floors on a grid, so scores tie with each other and with the floors.
    private static readonly Gen<Shop> Shops =
        from itemCount in Gen.Int[2, 9]
        from k in Gen.Int[0, 4]
        from reach in Gen.Int[1, 6].Array[itemCount]
        from floors in Gen.Int[0, 8].Select(f => f / 8f).Array[itemCount]
        from asked in Gen.Bool.Array[itemCount]
        from askedReach in Gen.Int[1, 6].Array[itemCount]
        from counts in Gen.Int[0, 4].Array[itemCount * itemCount]
        from seed in Gen.Int
        select new Shop(k, reach, floors, asked, askedReach, counts, seed);

    [Fact]
    public void Keeps_the_pairs_the_cuts_definition_keeps_in_any_order_of_the_rows()
    {
        Shops.Sample(shop =>
        {
            var expected = Render(shop.Cut.Apply(shop.AskedNames, new CoVisitCounts(shop.AskedReachByName, shop.Pairs)).Pairs);
            var order = new Random(shop.Seed);
            Assert.Equal(expected, Render(shop.Collect(shop.Rows.OrderBy(_ => order.Next()))));
            // Best rows last: the item's bound rises with every row, so every row is held back first.
            Assert.Equal(expected, Render(shop.Collect(shop.Rows.OrderBy(r => shop.Score(r.A, r.B)))));
        }, iter: 3000);
    }

    private static List<string> Render(IEnumerable<(string A, string B, int Count)> pairs) =>
        pairs.Select(p => string.CompareOrdinal(p.A, p.B) < 0 ? $"{p.A}-{p.B}:{p.Count}" : $"{p.B}-{p.A}:{p.Count}").Order(StringComparer.Ordinal).ToList();

    private sealed record Shop(int K, int[] Reach, float[] Floors, bool[] Asked, int[] AskedReach, int[] Counts, int Seed)
    {
        private int ItemCount => Reach.Length;

        public CoVisitCut Cut => new(Enumerable.Range(0, ItemCount).Select(Name).ToList(), Reach, Floors, K);

        public List<string> AskedNames => Enumerable.Range(0, ItemCount).Where(i => Asked[i]).Select(Name).ToList();

        public Dictionary<string, int> AskedReachByName => Enumerable.Range(0, ItemCount).Where(i => Asked[i]).ToDictionary(Name, i => AskedReach[i]);

        // Each pair with an asked item once, seen together in Counts[a * n + b] visits (none when 0).
        public List<(string A, string B, int Count)> Pairs =>
            (from a in Enumerable.Range(0, ItemCount)
             from b in Enumerable.Range(a + 1, ItemCount - a - 1)
             where (Asked[a] || Asked[b]) && Count(a, b) > 0
             select (Name(a), Name(b), Count(a, b))).ToList();

        // What a store streams: every row of every asked item, a pair of two asked items once from each.
        public List<(int A, int B, int Count)> Rows =>
            (from a in Enumerable.Range(0, ItemCount)
             where Asked[a]
             from b in Enumerable.Range(0, ItemCount)
             where b != a && Count(a, b) > 0
             select (a, b, Count(a, b))).ToList();

        public float Score(int a, int b) => Footfall.Recommendations.ItemSimilarity.Cosine(Count(a, b), ReachOf(a), ReachOf(b));

        public IEnumerable<(string A, string B, int Count)> Collect(IEnumerable<(int A, int B, int Count)> rows)
        {
            var collector = new CoVisitCutCollector(Cut, Enumerable.Range(0, ItemCount).Where(i => Asked[i]).ToDictionary(i => i, i => AskedReach[i]));
            foreach (var (a, b, count) in rows)
                collector.Add(a, b, count);
            return collector.Kept().Select(p => (Name(p.A), Name(p.B), p.Count));
        }

        private int Count(int a, int b) => Counts[Math.Min(a, b) * ItemCount + Math.Max(a, b)];

        private int ReachOf(int item) => Asked[item] ? AskedReach[item] : Reach[item];

        private static string Name(int item) => $"i{item}";
    }
}
