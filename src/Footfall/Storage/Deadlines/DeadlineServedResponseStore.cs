namespace Footfall.Storage.Deadlines;

/// <summary>A store's served recommendation responses, each call under a <see cref="StoreDeadline"/>.</summary>
public sealed class DeadlineServedResponseStore(IServedResponseStore inner, StoreDeadline deadline) : IServedResponseStore
{
    /// <inheritdoc />
    public Task RecordResponsesAsync(string projectId, IReadOnlyList<ServedResponse> responses, CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(RecordResponsesAsync), ct => inner.RecordResponsesAsync(projectId, responses, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ServedResponse>> ReadResponsesAsync(string projectId, TimeRange range, CancellationToken cancellationToken = default) =>
        deadline.ScanAsync(nameof(ReadResponsesAsync), ct => inner.ReadResponsesAsync(projectId, range, ct), cancellationToken);
}
