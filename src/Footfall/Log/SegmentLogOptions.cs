namespace Footfall.Log;

/// <summary>Where the ingest log lives and how large it may grow.</summary>
public sealed class SegmentLogOptions
{
    /// <summary>The folder of the segment files (created if missing). One log per folder.</summary>
    public required string Folder { get; init; }

    /// <summary>
    /// A segment is closed and a new one started once it reaches this size. Recovery scans only the last segment,
    /// so this bounds restart work; truncation frees whole segments, so it is also the unit of disk returned.
    /// </summary>
    public long SegmentBytes { get; init; } = 64L << 20;

    /// <summary>The disk budget: an append that would take the log past it fails with <see cref="LogFullException"/>.</summary>
    public long MaxBytes { get; init; } = long.MaxValue;

    /// <summary>The most bytes one group commit writes before its fsync; more waits for the next group.</summary>
    public int MaxGroupBytes { get; init; } = 4 << 20;

    /// <summary>Fails with a clear message on a setting that cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Folder))
            throw new ArgumentException("The log folder is required.", nameof(Folder));
        if (SegmentBytes < 4096)
            throw new ArgumentException($"SegmentBytes must be at least 4096, not {SegmentBytes}.", nameof(SegmentBytes));
        if (MaxGroupBytes < 4096)
            throw new ArgumentException($"MaxGroupBytes must be at least 4096, not {MaxGroupBytes}.", nameof(MaxGroupBytes));
        if (MaxBytes < SegmentBytes)
            throw new ArgumentException($"MaxBytes ({MaxBytes}) must hold at least one segment ({SegmentBytes}).", nameof(MaxBytes));
    }
}
