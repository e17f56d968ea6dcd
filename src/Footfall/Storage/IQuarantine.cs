using Footfall.Events;

namespace Footfall.Storage;

/// <summary>The events and links refused at ingest, kept aside for the project to see (CONTRACT §3).</summary>
public interface IQuarantine
{
    /// <summary>Rejected events, newest first.</summary>
    Task<IReadOnlyList<RejectedEvent>> GetRejectedAsync(string projectId, int limit, CancellationToken cancellationToken = default);
}
