namespace Footfall.Storage.Deadlines;

/// <summary>The log's applier door of a store, each call under a <see cref="StoreDeadline"/>.</summary>
public sealed class DeadlineLogSink(ILogSink inner, StoreDeadline deadline) : ILogSink
{
    /// <inheritdoc />
    // A one-time scan at start, before anything is served: no deadline.
    public IEnumerable<(string ProjectId, string Key)> StoredKeys() => inner.StoredKeys();

    /// <inheritdoc />
    public Task<long> AppliedPositionAsync(CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(AppliedPositionAsync), inner.AppliedPositionAsync, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<WriteOutcome>> ApplyAsync(IReadOnlyList<ProjectWrite> writes, IReadOnlyList<long> entryEnds, CancellationToken cancellationToken = default) =>
        deadline.ApplyAsync(nameof(ApplyAsync), ct => inner.ApplyAsync(writes, entryEnds, ct), cancellationToken);

    /// <inheritdoc />
    public TimeSpan ApplyInterval => inner.ApplyInterval;
}
