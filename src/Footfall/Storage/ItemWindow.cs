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
    IReadOnlyList<IReadOnlyList<(int Item, float Score)>> Neighbours, long Interactions);

/// <summary>Reach of some items and their co-visit counts with every item they share a visit with.</summary>
/// <param name="Reach">Visits each asked item takes part in (absent: none).</param>
/// <param name="Pairs">Visits with both items, for each pair with an asked item (each pair once, in either order).</param>
public sealed record CoVisitCounts(IReadOnlyDictionary<string, int> Reach, IReadOnlyList<(string A, string B, int Count)> Pairs);

/// <summary>One purchase: an opaque person number (stable within one read), the item, when.</summary>
public readonly record struct ProductPurchase(long Person, string Item, DateTime Time);

/// <summary>One product interaction of a person.</summary>
public readonly record struct PersonTouch(string Item, string Action, DateTime Time);

/// <summary>A person's newest touch of an item with one action: an opaque person number (stable within one read), the item, the action, when.</summary>
public readonly record struct RecentTouch(long Person, string Item, string Action, DateTime Time);
