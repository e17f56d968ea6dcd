namespace Footfall.Log;

/// <summary>
/// The data folder's log ends before a position the key index or the store has already read: the log folder was
/// removed, or replaced by an older copy. Appending to it would write new entries at positions those already name,
/// so the server refuses to start (exit code 2), as a supervisor's restart would be refused the same way.
/// </summary>
public sealed class LogMismatchException(string reader, long position, string folder, long end)
    : Exception($"the {reader} has read the ingest log up to position {position}, but the log in {folder} ends at {end}: " +
        "the log folder was removed or replaced by an older copy. Put back the log that belongs with this data folder " +
        "(a backup copies the whole data folder, taken with the server stopped). " + ResetAdvice)
{
    /// <summary>What to do when a log was lost or damaged and no intact copy exists.</summary>
    public const string ResetAdvice = "Without an intact copy of the log, `footfall log reset --data DIR` starts a new one after every " +
        "position recorded (docs/deploy.md, \"A lost or damaged log\").";
}
