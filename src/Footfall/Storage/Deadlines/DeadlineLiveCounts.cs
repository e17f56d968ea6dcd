namespace Footfall.Storage.Deadlines;

/// <summary>A store's live counts, a scan under a <see cref="StoreDeadline"/>.</summary>
public sealed class DeadlineLiveCounts(ILiveCounts inner, StoreDeadline deadline) : ILiveCounts
{
    /// <inheritdoc />
    public Task<IReadOnlyList<ActionCount>> CountByMinuteAsync(string projectId, DateTime since, CancellationToken cancellationToken = default) =>
        deadline.ScanAsync(nameof(CountByMinuteAsync), ct => inner.CountByMinuteAsync(projectId, since, ct), cancellationToken);
}
