namespace Footfall.Storage.Deadlines;

/// <summary>A store's product interactions, a scan under a <see cref="StoreDeadline"/>.</summary>
public sealed class DeadlineInteractionSource(IInteractionSource inner, StoreDeadline deadline) : IInteractionSource
{
    /// <inheritdoc />
    public Task<ProductInteractionSet> ReadProductInteractionsAsync(string projectId, TimeRange range, bool sourcedOnly = false, CancellationToken cancellationToken = default) =>
        deadline.ScanAsync(nameof(ReadProductInteractionsAsync), ct => inner.ReadProductInteractionsAsync(projectId, range, sourcedOnly, ct), cancellationToken);
}
