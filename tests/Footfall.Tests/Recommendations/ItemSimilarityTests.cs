using CsCheck;
using Footfall.Recommendations;

namespace Footfall.Tests.Recommendations;

/// <summary>
/// Erasure recounts item similarity for the items the erased persons touched only
/// (<see cref="ItemSimilarity.Without"/>); a full <see cref="ItemSimilarity.Build"/> over what is left is its oracle.
/// </summary>
public sealed class ItemSimilarityTests
{
    private const int MaxItemsPerVisit = 4;
    private const int Neighbours = 3;

    // A touch: person 0-5, item 0-9, visit 0-2 of that person, weight 0 (a remove) or positive.
    private static readonly Gen<(int Person, int Item, int Visit, bool Counts)> Touches =
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 9], Gen.Int[0, 2], Gen.Int[0, 5].Select(w => w > 0));

    [Fact]
    public void Removing_persons_gives_the_neighbours_a_full_build_gives()
    {
        Gen.Select(Touches.Array[0, 60], Gen.Int[0, 5].HashSet[1, 3]).Sample(t =>
        {
            var (rows, erased) = t;
            var touches = rows.Select((r, i) => new Touch(r.Person, r.Item, i, r.Counts ? 1f : 0f, TouchKind.Other)).ToArray();
            var visits = rows.Select(r => (r.Person, (long)r.Visit)).ToArray();
            var before = ItemSimilarity.Build(touches, visits, 10, MaxItemsPerVisit, Neighbours);

            var kept = Enumerable.Range(0, touches.Length).Where(i => !erased.Contains(touches[i].Person)).ToArray();
            var keptTouches = kept.Select(i => touches[i]).ToArray();
            var keptVisits = kept.Select(i => visits[i]).ToArray();
            var changed = touches.Where(x => erased.Contains(x.Person) && x.Weight > 0).Select(x => x.Item).ToHashSet();

            var expected = ItemSimilarity.Build(keptTouches, keptVisits, 10, MaxItemsPerVisit, Neighbours);
            var (reach, pairs) = ItemSimilarity.Count(keptTouches, keptVisits, 10, MaxItemsPerVisit, changed);
            var actual = ItemSimilarity.Without(before, changed, reach, pairs, Neighbours);
            Assert.Equal(Render(expected), Render(actual));
        }, iter: 2000);
    }

    /// <summary>
    /// Bug: pair counts were a Dictionary of <see cref="ItemSimilarity.PairKey"/> with the default hash of a long, the
    /// XOR of its halves (a ^ b), so pairs of items numbered below 2^15 shared 32K hash codes: the map of an active
    /// person's erasure at 10M events (2.6M pairs) took 35 s to build. Every pair of 300 items now has its own code.
    /// </summary>
    [Fact]
    public void Regression_PairKeysHashedToTheXorOfTheirItems_EveryPairOfAFewHundredItemsHashesApart()
    {
        var keys = (from a in Enumerable.Range(0, 300) from b in Enumerable.Range(a + 1, 299 - a) select ItemSimilarity.PairKey(a, b)).ToList();
        var comparer = ItemSimilarity.NewPairCounts().Comparer;

        Assert.Equal(keys.Count, keys.Select(comparer.GetHashCode).Distinct().Count());
    }

    private static string Render(IEnumerable<IEnumerable<(int Item, float Score)>> neighbours) =>
        string.Join("\n", neighbours.Select((n, i) => $"{i}: " + string.Join(" ", n.Select(x => $"{x.Item}={x.Score:R}"))));
}
