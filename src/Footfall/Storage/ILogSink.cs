namespace Footfall.Storage;

/// <summary>
/// A store the ingest log's applier writes into: each call stores log entries' writes and the log position after
/// them atomically, so that applying an entry again after a crash stores it once.
/// </summary>
public interface ILogSink
{
    /// <summary>The log position after the last entry stored (0 for a new store).</summary>
    Task<long> AppliedPositionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the writes of consecutive log entries, <paramref name="entryEnds"/>[i] being the log position after
    /// entry i, and records the last end as applied, so that applying an entry again stores nothing twice. The
    /// writer checked idempotency keys against this node's key index; a store shared by several nodes also drops
    /// keys another node stored. Entries the store has already passed are ignored (and answered with no outcomes).
    /// </summary>
    /// <returns>Per write, what the store did with it (the link rule's refusals are decided here).</returns>
    Task<IReadOnlyList<WriteOutcome>> ApplyAsync(IReadOnlyList<ProjectWrite> writes, IReadOnlyList<long> entryEnds, CancellationToken cancellationToken = default);

    /// <summary>
    /// The shortest time between two applies while less than a full batch waits (zero: apply at once). A store that
    /// wants few large inserts (ClickHouse) asks for one a second; a waiting read cuts the wait short.
    /// </summary>
    TimeSpan ApplyInterval { get; }

    /// <summary>
    /// Every idempotency key the store holds, streamed: a new key index (a data folder written before the log, or
    /// one whose keys folder was lost) is seeded from them once, so a retry of an event stored then stays a duplicate.
    /// </summary>
    IEnumerable<(string ProjectId, string Key)> StoredKeys();
}
