using Microsoft.Extensions.Logging;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore
{
    // Set in the same transaction as an erasure and cleared only in the compacted copy, so an erasure whose
    // compaction never ran (a crash, a kill) is compacted at the next start.
    private const string CompactionPending = "compaction_pending";

    /// <summary>
    /// Replaces the database file with a fresh copy of what it holds now, when anything was erased since the last
    /// copy. DuckDB does not remove deleted data from its file: a DELETE only marks rows in their row group, a
    /// checkpoint keeps those row groups (or, when it rewrites them, moves the old blocks to its free list without
    /// zeroing them), and neither VACUUM nor rewriting the table in place changes that; measured, the erased strings
    /// were still in the file after each. A database copied into a new file holds only live rows, and renaming it
    /// over the old file unlinks every block that held erased bytes. The cost is a full copy (see docs/benchmarks.md),
    /// so it runs at clean shutdown and at start, not in the erasure request.
    /// </summary>
    /// <remarks>Call with the gate held and no other connection open; the write connection may be closed on return.</remarks>
    private void CompactIfErased()
    {
        if (Scalar<long>(_writeConnection, "SELECT count(*) FROM store_state WHERE name = $n", ("n", CompactionPending)) == 0)
            return;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // First the index: the mark it shares with the file is cleared only in the file's copy.
        _identityIndex?.Compact();
        var copy = _path + ".compact";
        DeleteCompactionLeftovers();
        // Kept co-visits and purchases are filed under person numbers: those of erased persons not recounted since go
        // too (every queued person's, and their projects are counted whole at the next refresh).
        Execute(_writeConnection, """
            DELETE FROM model_visits WHERE (project, person) IN (SELECT (project, person) FROM model_changes);
            DELETE FROM model_purchases WHERE (project, person) IN (SELECT (project, person) FROM model_changes);
            DELETE FROM model_state WHERE project IN (SELECT project FROM model_changes);
            """);
        // Folds the WAL in first: once the connection closes, no WAL of the old file may be left to replay onto the copy.
        Execute(_writeConnection, "CHECKPOINT");
        var database = Scalar<string>(_writeConnection, "SELECT current_database()");
        Execute(_writeConnection, $"ATTACH '{copy.Replace("'", "''", StringComparison.Ordinal)}' AS compact");
        try
        {
            Execute(_writeConnection, $"COPY FROM DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\" TO compact");
            Execute(_writeConnection, "DELETE FROM compact.store_state WHERE name = $n", ("n", CompactionPending));
        }
        finally
        {
            Execute(_writeConnection, "DETACH compact");
        }
        _writeConnection.Close();
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(copy, File.GetUnixFileMode(_path));
        // The rename is atomic: a crash leaves either the old file (still marked, so compacted again) or the copy.
        File.Move(copy, _path, overwrite: true);
        // Everything the old WAL held was checkpointed before the copy; replayed onto the copy it would corrupt it.
        File.Delete(_path + ".wal");
        _logger.LogInformation("Rewrote the database file after erasure in {Ms} ms so no erased byte stays in it",
            (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>A copy a crash interrupted is incomplete: it is removed, and the old file (still marked) copied again.</summary>
    private void DeleteCompactionLeftovers()
    {
        foreach (var leftover in new[] { _path + ".compact", _path + ".compact.wal" })
            File.Delete(leftover);
    }
}
