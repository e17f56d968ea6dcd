using Footfall.Events;

namespace Footfall.Storage.Deadlines;

/// <summary>A store's quarantine, under a <see cref="StoreDeadline"/>.</summary>
public sealed class DeadlineQuarantine(IQuarantine inner, StoreDeadline deadline) : IQuarantine
{
    /// <inheritdoc />
    public Task<IReadOnlyList<RejectedEvent>> GetRejectedAsync(string projectId, int limit, CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(GetRejectedAsync), ct => inner.GetRejectedAsync(projectId, limit, ct), cancellationToken);
}
