using Footfall.Log;
using RocksDbSharp;

namespace Footfall.Ingest;

/// <summary>
/// What <c>footfall log reset</c> found and did: the data folder's ingest log replaced by an empty one that starts past
/// every position recorded anywhere, for a data folder whose log was lost or damaged and has no intact copy.
/// </summary>
/// <param name="LogEnd">Where the old log ended (0 when its folder was missing or held no segment).</param>
/// <param name="KeyIndexPosition">How far the idempotency key index had read the log (null: it was missing or damaged).</param>
/// <param name="StorePosition">How far the store had applied the log.</param>
/// <param name="Start">Where the new, empty log starts.</param>
/// <param name="DroppedBytes">The bytes of acknowledged entries the store had not applied, dropped with the old log.</param>
/// <param name="KeyIndexDeleted">The key index was ahead of the store (or damaged) and was deleted: the next start builds
/// it again from the store's keys, so a client's retry of a dropped event is stored instead of answered as a duplicate.</param>
public sealed record LogResetReport(long LogEnd, long? KeyIndexPosition, long StorePosition, long Start, long DroppedBytes, bool KeyIndexDeleted);

/// <summary>
/// Resets a data folder's ingest log, the tool of last resort when a start refuses because the log was removed,
/// replaced by an older copy or damaged (<see cref="LogMismatchException"/>, a damaged segment), and no intact copy
/// exists. The new log starts at the largest position the old log, the key index or the store reached, so no
/// position is ever used twice. Acknowledged entries the store had not applied are dropped with the old log only when
/// the caller says so: they are acknowledged events, and a start would store them if the log holds them intact.
/// </summary>
public static class LogReset
{
    /// <summary>
    /// Resets the log of <paramref name="dataFolder"/>, whose store has applied it up to <paramref name="storePosition"/>.
    /// Nothing may hold the data folder meanwhile.
    /// </summary>
    /// <exception cref="LogResetRefusedException">The log holds entries the store has not applied, and
    /// <paramref name="dropUnapplied"/> is false; nothing was changed.</exception>
    public static LogResetReport Run(string dataFolder, long storePosition, bool dropUnapplied)
    {
        var logFolder = Path.Combine(dataFolder, "log");
        var keysFolder = Path.Combine(dataFolder, "keys");
        var segments = Directory.Exists(logFolder) ? SegmentFiles.List(logFolder) : [];
        // A segment's bytes as they lie on disk, a torn or damaged tail included: an upper bound is all a new start needs.
        var logEnd = segments.Count == 0 ? 0 : segments[^1] + new FileInfo(SegmentFiles.PathOf(logFolder, segments[^1])).Length;
        var dropped = Math.Max(0, logEnd - storePosition);
        if (dropped > 0 && !dropUnapplied)
            throw new LogResetRefusedException(
                $"the log in {logFolder} holds {dropped:N0} bytes of acknowledged entries the store has not applied (positions {storePosition:N0} to {logEnd:N0}). " +
                "Start the server to store them; only if that start refuses because the log is damaged, and no intact copy exists, " +
                "run this again with --drop-unapplied to drop them");
        var keysPresent = Directory.Exists(keysFolder) && Directory.EnumerateFileSystemEntries(keysFolder).Any();
        var keyPosition = keysPresent ? KeyIndexPosition(keysFolder) : null;
        var start = Math.Max(logEnd, Math.Max(storePosition, keyPosition ?? 0));
        // Keys of entries the store never applied would answer a client's retry of them as a duplicate, and the event
        // would be lost for good: without the index, the next start seeds a new one from the store's keys.
        var deleteKeys = keysPresent && (keyPosition is null || keyPosition > storePosition);
        if (deleteKeys)
            Directory.Delete(keysFolder, recursive: true);
        // As a clean shutdown leaves it (every old segment starts before the new one, unless the old log was one empty
        // segment already there); a crash midway leaves closed segments that fail their check, and a rerun finishes.
        Directory.CreateDirectory(logFolder);
        SegmentFiles.StartEmptyAt(logFolder, start, segments);
        return new LogResetReport(logEnd, keyPosition, storePosition, start, dropped, deleteKeys);
    }

    // The key index's position; null when the index is damaged (deleted then).
    private static long? KeyIndexPosition(string keysFolder)
    {
        try
        {
            using var index = IdempotencyKeyIndex.Open(new KeyIndexOptions { Folder = keysFolder });
            return index.Position;
        }
        catch (RocksDbException ex) when (ex.Message.StartsWith("Corruption", StringComparison.Ordinal))
        {
            return null;
        }
    }
}

/// <summary><see cref="LogReset"/> refused: the log holds acknowledged entries the store has not applied.</summary>
public sealed class LogResetRefusedException(string message) : Exception(message);
