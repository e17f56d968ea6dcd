using Footfall.Identity;

namespace Footfall.Storage;

/// <summary>
/// What the recommendation models learn from (CONTRACT §8). Refreshes read catalogue-sized aggregates
/// (<see cref="ReadItemWindowAsync"/>), feeds read one person's touches (<see cref="ReadPersonTouchesAsync"/>) and
/// trending scores on demand, so no model holds the window's interactions.
/// </summary>
public interface IInteractionSource
{
    /// <summary>
    /// The project's product interactions (events whose action is one of <see cref="Events.BuiltInActions.ProductActions"/>
    /// and that carry <c>target.product</c>) with time in <paramref name="range"/>, oldest first, each filed under the
    /// person its identifier belongs to now. With <paramref name="sourcedOnly"/>, only those with a <c>sourceId</c>,
    /// and product <see cref="Events.BuiltInActions.Click"/>s as well (<see cref="Events.BuiltInActions.SourcedActions"/>).
    /// Erased persons are gone from it. The definition of the models reads this; feed attribution reads its sourced rows.
    /// </summary>
    Task<ProductInteractionSet> ReadProductInteractionsAsync(string projectId, TimeRange range, bool sourcedOnly = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every item of the product interactions from <paramref name="from"/> on, with what the models keep per item, as
    /// <see cref="Recommendations.InteractionAggregates.ItemWindow"/> defines it.
    /// </summary>
    Task<ItemWindow> ReadItemWindowAsync(string projectId, DateTime from, ItemWindowShape shape, CancellationToken cancellationToken = default);

    /// <summary>
    /// Co-visit counts of <paramref name="items"/> from <paramref name="from"/> on: each one's reach and its count with
    /// every item it shares a visit with (what an erasure recounts), as <see cref="Recommendations.InteractionAggregates.CoVisits"/> defines them;
    /// with <paramref name="cut"/>, only the pairs it keeps need be returned.
    /// </summary>
    Task<CoVisitCounts> ReadCoVisitsAsync(string projectId, DateTime from, int maxItemsPerVisit, IReadOnlyCollection<string> items,
        CoVisitCut? cut = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The purchases from <paramref name="from"/> on (of <paramref name="items"/> only, when given), ordered by person,
    /// then item, then time and store order: what repurchase intervals are learned from.
    /// </summary>
    Task<IReadOnlyList<ProductPurchase>> ReadPurchasesAsync(string projectId, DateTime from, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Per person, item and action that trending weighs, the newest touch in (<paramref name="now"/> - <paramref name="hours"/>,
    /// <paramref name="now"/>] and at or after <paramref name="from"/>, as <see cref="Recommendations.InteractionAggregates.RecentTouches"/>
    /// defines them, of <paramref name="items"/> only when given; unordered. Every trending window up to
    /// <paramref name="hours"/> ranks the same from them as from all touches.
    /// </summary>
    Task<IReadOnlyList<RecentTouch>> ReadRecentTouchesAsync(string projectId, DateTime from, DateTime now, int hours, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default);

    /// <summary>The product interactions of <paramref name="who"/>'s person (links resolved) from <paramref name="from"/> on, newest first.</summary>
    Task<IReadOnlyList<PersonTouch>> ReadPersonTouchesAsync(string projectId, Identifier who, DateTime from, CancellationToken cancellationToken = default);
}
