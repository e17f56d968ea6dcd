using Footfall.Identity;

namespace Footfall.Storage.Deadlines;

/// <summary>A store's product interactions, window reads as scans and a person's touches as a call under a <see cref="StoreDeadline"/>.</summary>
public sealed class DeadlineInteractionSource(IInteractionSource inner, StoreDeadline deadline) : IInteractionSource
{
    /// <inheritdoc />
    public Task<ProductInteractionSet> ReadProductInteractionsAsync(string projectId, TimeRange range, bool sourcedOnly = false, CancellationToken cancellationToken = default) =>
        deadline.ScanAsync(nameof(ReadProductInteractionsAsync), ct => inner.ReadProductInteractionsAsync(projectId, range, sourcedOnly, ct), cancellationToken);

    /// <inheritdoc />
    public Task<ItemWindow> ReadItemWindowAsync(string projectId, DateTime from, ItemWindowShape shape, CancellationToken cancellationToken = default) =>
        deadline.ScanAsync(nameof(ReadItemWindowAsync), ct => inner.ReadItemWindowAsync(projectId, from, shape, ct), cancellationToken);

    /// <inheritdoc />
    public Task<CoVisitCounts> ReadCoVisitsAsync(string projectId, DateTime from, int maxItemsPerVisit, IReadOnlyCollection<string> items,
        CoVisitCut? cut = null, CancellationToken cancellationToken = default) =>
        deadline.ScanAsync(nameof(ReadCoVisitsAsync), ct => inner.ReadCoVisitsAsync(projectId, from, maxItemsPerVisit, items, cut, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ProductPurchase>> ReadPurchasesAsync(string projectId, DateTime from, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default) =>
        deadline.ScanAsync(nameof(ReadPurchasesAsync), ct => inner.ReadPurchasesAsync(projectId, from, items, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentTouch>> ReadRecentTouchesAsync(string projectId, DateTime from, DateTime now, int hours, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default) =>
        deadline.ScanAsync(nameof(ReadRecentTouchesAsync), ct => inner.ReadRecentTouchesAsync(projectId, from, now, hours, items, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PersonTouch>> ReadPersonTouchesAsync(string projectId, Identifier who, DateTime from, CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(ReadPersonTouchesAsync), ct => inner.ReadPersonTouchesAsync(projectId, who, from, ct), cancellationToken);
}
