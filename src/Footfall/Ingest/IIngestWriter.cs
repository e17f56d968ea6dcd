using Footfall.Storage;

namespace Footfall.Ingest;

/// <summary>Where the ingest pipeline hands a validated write: it answers once the write is durable.</summary>
public interface IIngestWriter
{
    /// <summary>
    /// Queues a write; the task completes once it is durable, or fails with <see cref="IngestQueueFullException"/>
    /// or <see cref="StoreUnavailableException"/> (both a 503). False when the queue is full or shutting down.
    /// </summary>
    bool TryEnqueue(ProjectWrite write, out Task<WriteOutcome> committed, CancellationToken cancellationToken = default);
}
