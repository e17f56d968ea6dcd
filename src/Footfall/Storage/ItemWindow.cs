namespace Footfall.Storage;

/// <summary>What a model refresh reads: sizes from the options.</summary>
/// <param name="MaxItemsPerVisit">The newest distinct items of a visit that take part in co-occurrence.</param>
/// <param name="Neighbours">Neighbours kept per item.</param>
public readonly record struct ItemWindowShape(int MaxItemsPerVisit, int Neighbours);

/// <summary>The catalogue-sized aggregates of a project's product interactions over a window.</summary>
/// <param name="Items">Every item, in the order of its first interaction (time, then store order): rankings break ties by it.</param>
/// <param name="Categories">Per item, the category its latest interaction naming one gave.</param>
/// <param name="Reach">Per item, the visits it takes part in co-occurrence with.</param>
/// <param name="Neighbours">Per item, its top neighbours (indexes into <paramref name="Items"/>) by cosine, best first.</param>
/// <param name="Interactions">How many interactions the window holds.</param>
public sealed record ItemWindow(IReadOnlyList<string> Items, IReadOnlyList<string?> Categories, IReadOnlyList<int> Reach,
    IReadOnlyList<IReadOnlyList<(int Item, float Score)>> Neighbours, long Interactions)
{
    /// <summary>Per item of <paramref name="count"/>, an empty reach and neighbour list for a store's read to fill.</summary>
    public static (int[] Reach, List<(int Item, float Score)>[] Neighbours) EmptyLists(int count)
    {
        var neighbours = new List<(int Item, float Score)>[count];
        for (var i = 0; i < count; i++)
            neighbours[i] = [];
        return (new int[count], neighbours);
    }
}

/// <summary>Reach of some items and their co-visit counts with every item they share a visit with.</summary>
/// <param name="Reach">Visits each asked item takes part in (absent: none).</param>
/// <param name="Pairs">Visits with both items, for each pair with an asked item (each pair once, in either order).</param>
public sealed record CoVisitCounts(IReadOnlyDictionary<string, int> Reach, IReadOnlyList<(string A, string B, int Count)> Pairs);

/// <summary>
/// Which pairs of a co-visit read can change a model's neighbour lists once the asked items are recounted (an
/// erasure's): an asked item's top <paramref name="Neighbours"/> pairs (ties included), and a pair of another item with an
/// asked one that scores at least that item's floor. A store may leave the others out; one that returns every pair is right too.
/// </summary>
/// <param name="Items">The model's items.</param>
/// <param name="Reach">Per item, its reach in the model (the asked items' reach is counted again).</param>
/// <param name="Floors">Per item, the lowest score in its neighbour list when the list is full, else 0: an item the
/// person did not touch only gains score with the items they did (their reach falls), so its new list is its old one's
/// items and pairs scoring at least this.</param>
/// <param name="Neighbours">Neighbours kept per item.</param>
public sealed record CoVisitCut(IReadOnlyList<string> Items, IReadOnlyList<int> Reach, IReadOnlyList<float> Floors, int Neighbours)
{
    /// <summary>The cut of a model's items, reach and neighbour lists (each best first).</summary>
    public static CoVisitCut Of(IReadOnlyList<string> items, IReadOnlyList<int> reach, IReadOnlyList<IReadOnlyList<(int Item, float Score)>> neighbours, int k)
    {
        var floors = new float[items.Count];
        for (var i = 0; i < floors.Length; i++)
            floors[i] = neighbours[i].Count >= k && k > 0 ? neighbours[i][^1].Score : 0;
        return new CoVisitCut(items, reach, floors, k);
    }

    /// <summary>Each item's place in <see cref="Items"/>, by name.</summary>
    public Dictionary<string, int> Places()
    {
        var places = new Dictionary<string, int>(Items.Count, StringComparer.Ordinal);
        for (var i = 0; i < Items.Count; i++)
            places[Items[i]] = i;
        return places;
    }

    /// <summary>
    /// What a read with this cut returns, from a read of every pair of <paramref name="asked"/>: the definition stores
    /// are held to. Pairs with an item outside <see cref="Items"/> are left out.
    /// </summary>
    public CoVisitCounts Apply(IReadOnlyCollection<string> asked, CoVisitCounts all)
    {
        var index = Places();
        var isAsked = asked.ToHashSet(StringComparer.Ordinal);
        var scored = new List<(string A, string B, int Count, float Score)>();
        foreach (var (a, b, count) in all.Pairs)
        {
            if (index.TryGetValue(a, out var ia) && index.TryGetValue(b, out var ib))
                scored.Add((a, b, count, Recommendations.ItemSimilarity.Cosine(count, ReachOf(a, ia), ReachOf(b, ib))));
        }
        var scoresOf = new Dictionary<string, List<float>>(StringComparer.Ordinal);
        foreach (var (a, b, _, score) in scored)
        {
            foreach (var item in (ReadOnlySpan<string>)[a, b])
            {
                if (isAsked.Contains(item))
                    (scoresOf.TryGetValue(item, out var list) ? list : scoresOf[item] = []).Add(score);
            }
        }
        // An asked item keeps its pairs ranked at most Neighbours (ties share a rank): those scoring at least its
        // Neighbours-th best score. Another item keeps its pairs at its floor or above.
        var lowestKept = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var (item, scores) in scoresOf)
        {
            scores.Sort((x, y) => y.CompareTo(x));
            lowestKept[item] = Neighbours <= 0 ? float.PositiveInfinity : scores.Count >= Neighbours ? scores[Neighbours - 1] : float.NegativeInfinity;
        }
        var kept = scored.Where(p => Keeps(p.A, p.Score) || Keeps(p.B, p.Score)).Select(p => (p.A, p.B, p.Count)).ToList();
        return new CoVisitCounts(all.Reach, kept);

        int ReachOf(string item, int i) => isAsked.Contains(item) ? all.Reach.GetValueOrDefault(item) : Reach[i];

        bool Keeps(string item, float score) => isAsked.Contains(item) ? score >= lowestKept[item] : score >= Floors[index[item]];
    }
}

/// <summary>One purchase: an opaque person number (stable within one read), the item, when.</summary>
public readonly record struct ProductPurchase(long Person, string Item, DateTime Time);

/// <summary>One product interaction of a person.</summary>
public readonly record struct PersonTouch(string Item, string Action, DateTime Time);

/// <summary>A person's newest touch of an item with one action: an opaque person number (stable within one read), the item, the action, when.</summary>
public readonly record struct RecentTouch(long Person, string Item, string Action, DateTime Time);
