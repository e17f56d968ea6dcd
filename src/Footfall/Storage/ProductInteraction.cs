namespace Footfall.Storage;

/// <summary>
/// One stored product event in the compact form recommendation models learn from
/// (<see cref="IInteractionSource.ReadProductInteractionsAsync"/>).
/// </summary>
/// <param name="Person">The person the event's identifier belongs to now (links resolved), as an opaque number stable within one read.</param>
/// <param name="Item">The product (<c>target.product</c>).</param>
/// <param name="Action">One of <see cref="Events.BuiltInActions.ProductActions"/> (of <see cref="Events.BuiltInActions.SourcedActions"/> in a sourced-only read).</param>
/// <param name="Time">When it happened (UTC).</param>
/// <param name="Value">For purchases, <c>params.price</c> x <c>params.quantity</c> (quantity 1 when absent); else null.</param>
/// <param name="SourceId">The event's <c>sourceId</c> (a recommendation responseId when it came from a feed).</param>
/// <param name="Session">An opaque number for the event's <c>sessionId</c> (a hash), null when it has none.</param>
/// <param name="Category">The event's <c>params.category</c> as a string, null when absent.</param>
public readonly record struct ProductInteraction(
    long Person, string Item, string Action, DateTime Time, double? Value, string? SourceId, long? Session, string? Category);

/// <summary>The product interactions of a time range and the identifiers of every person among them.</summary>
/// <param name="Interactions">Oldest first.</param>
/// <param name="PersonOfIdentifier">
/// Every identifier key (<see cref="Identity.Identifier.Key"/>, e.g. <c>u:alice</c>) of every person in
/// <paramref name="Interactions"/>, to that person's number, so a person is found by any of their identifiers.
/// </param>
public sealed record ProductInteractionSet(
    IReadOnlyList<ProductInteraction> Interactions, IReadOnlyDictionary<string, long> PersonOfIdentifier);

/// <summary>A recommendation response that was served: what <c>sourceId</c> attribution joins on.</summary>
/// <param name="ResponseId">The id handed to the client, unique across projects.</param>
/// <param name="Feed">The feed name, e.g. <c>personal</c>.</param>
/// <param name="Time">When it was served (UTC, milliseconds).</param>
/// <param name="Items">The product ids served, in order.</param>
public sealed record ServedResponse(string ResponseId, string Feed, DateTime Time, IReadOnlyList<string> Items);
