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
    /// Stores the writes of the entries that end at <paramref name="nextPosition"/>, without checking idempotency
    /// keys (the ingest writer did), and records <paramref name="nextPosition"/> with them in one transaction.
    /// Entries the store has already passed are ignored (and answered with no outcomes).
    /// </summary>
    /// <returns>Per write, what the store did with it (the link rule's refusals are decided here).</returns>
    Task<IReadOnlyList<WriteOutcome>> ApplyAsync(IReadOnlyList<ProjectWrite> writes, long nextPosition, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every idempotency key the store holds, streamed: a new key index (a data folder written before the log, or
    /// one whose keys folder was lost) is seeded from them once, so a retry of an event stored then stays a duplicate.
    /// </summary>
    IEnumerable<(string ProjectId, string Key)> StoredKeys();
}
