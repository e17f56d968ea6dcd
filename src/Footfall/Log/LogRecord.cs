namespace Footfall.Log;

/// <summary>One entry read back from the log: where it starts, where the next one starts, and its bytes.</summary>
/// <param name="Position">The entry's position (a byte offset in the log's whole history).</param>
/// <param name="NextPosition">The position right after it: an applier that has applied this entry checkpoints here.</param>
/// <param name="Payload">The entry as <see cref="LogEntryCodec"/> wrote it.</param>
public readonly record struct LogRecord(long Position, long NextPosition, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Decodes the payload.</summary>
    public LogEntry Decode() => LogEntryCodec.Decode(Payload);
}
