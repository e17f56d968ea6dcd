namespace Footfall.Storage;

/// <summary>What the recommendation models learn from (CONTRACT §8).</summary>
public interface IInteractionSource
{
    /// <summary>
    /// The project's product interactions (events whose action is one of <see cref="Events.BuiltInActions.ProductActions"/>
    /// and that carry <c>target.product</c>) with time in <paramref name="range"/>, oldest first, each filed under the
    /// person its identifier belongs to now. With <paramref name="sourcedOnly"/>, only those with a <c>sourceId</c>,
    /// and product <see cref="Events.BuiltInActions.Click"/>s as well (<see cref="Events.BuiltInActions.SourcedActions"/>).
    /// Erased persons are gone from it. Models are rebuilt from this in the background, never per request.
    /// </summary>
    Task<ProductInteractionSet> ReadProductInteractionsAsync(string projectId, TimeRange range, bool sourcedOnly = false, CancellationToken cancellationToken = default);
}
