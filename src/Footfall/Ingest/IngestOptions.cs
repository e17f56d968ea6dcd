namespace Footfall.Ingest;

/// <summary>How the group-commit writer batches and how much it may buffer.</summary>
public sealed class IngestOptions
{
    /// <summary>Events waiting for a commit before new requests are refused with 503. Bounds memory.</summary>
    public int MaxQueuedEvents { get; set; } = 200_000;

    /// <summary>Events one commit takes at most.</summary>
    public int MaxCommitEvents { get; set; } = 20_000;

    /// <summary>How long a commit waits for more requests once it has one. Zero commits whatever is queued at once.</summary>
    public TimeSpan CommitLinger { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Throws with a message naming the bad option.</summary>
    public void Validate()
    {
        if (MaxQueuedEvents < 1000)
            throw new ArgumentException($"Ingest:MaxQueuedEvents must be at least 1000 (one full batch), not {MaxQueuedEvents}");
        if (MaxCommitEvents < 1)
            throw new ArgumentException($"Ingest:MaxCommitEvents must be positive, not {MaxCommitEvents}");
        if (CommitLinger < TimeSpan.Zero || CommitLinger > TimeSpan.FromSeconds(1))
            throw new ArgumentException($"Ingest:CommitLinger must be between 0 and 1 s, not {CommitLinger}");
    }
}
