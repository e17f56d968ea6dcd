namespace Footfall.Ingest;

/// <summary>The ingest log, its applier and read-your-writes (configuration section <c>Log</c>).</summary>
public sealed class LogIngestOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Log";

    /// <summary>The log's disk budget in bytes; past it ingest answers 503 with Retry-After.</summary>
    public long MaxBytes { get; set; } = long.MaxValue;

    /// <summary>Segment size of the log: the unit truncation frees and the most recovery scans.</summary>
    public long SegmentBytes { get; set; } = 64L << 20;

    /// <summary>Events the applier puts in one store transaction at most.</summary>
    public int ApplyBatchEvents { get; set; } = 10_000;

    /// <summary>How long the applier waits for more entries once it has fewer than a full batch.</summary>
    public TimeSpan ApplyLinger { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a read waits for the applier to pass what was durable when it began; past it the read answers from
    /// what is applied and says so in the <c>Footfall-Applied-Lag</c> header.
    /// </summary>
    public TimeSpan ReadWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The key index's block cache in bytes.</summary>
    public long KeyCacheBytes { get; set; } = 64L << 20;

    /// <summary>Throws with a message naming the bad option.</summary>
    public void Validate()
    {
        if (ApplyBatchEvents < 1)
            throw new ArgumentException($"Log:ApplyBatchEvents must be positive, not {ApplyBatchEvents}");
        if (ApplyLinger < TimeSpan.Zero || ApplyLinger > TimeSpan.FromSeconds(1))
            throw new ArgumentException($"Log:ApplyLinger must be between 0 and 1 s, not {ApplyLinger}");
        if (ReadWait < TimeSpan.Zero)
            throw new ArgumentException($"Log:ReadWait must not be negative, not {ReadWait}");
    }
}
