namespace Footfall.Storage.Deadlines;

/// <summary>A store's commit, under a <see cref="StoreDeadline"/>.</summary>
public sealed class DeadlineEventCommitter(IEventCommitter inner, StoreDeadline deadline) : IEventCommitter
{
    /// <inheritdoc />
    public Task<IReadOnlyList<WriteOutcome>> CommitAsync(IReadOnlyList<ProjectWrite> writes, CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(CommitAsync), ct => inner.CommitAsync(writes, ct), cancellationToken);
}
