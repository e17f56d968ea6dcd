using System.Runtime;

namespace Footfall.Recommendations;

/// <summary>
/// Compacts the large object heap once a quiet spell follows the last model swapped in. Every refresh and erasure
/// replaces arrays of megabytes; below a high memory load the GC does not compact the large object heap by itself, so
/// the holes they leave stay committed: at 100M events, 177 MB free of a 225 MB large object heap in one run, and the
/// server's RSS after a model build and three erasures passed 1 GB in 5 of 13 runs (docs/benchmarks.md section 8,
/// "The large object heap compacted after a model swap"). The live part is ~10 MB there, so the blocking
/// compaction takes 8-13 ms, at most once per quiet spell however many swaps came before it. The heap is the
/// process's, so the models schedule on <see cref="ForProcess"/>: a process that hosts several servers (a test run)
/// compacts once per quiet spell too.
/// </summary>
public sealed class LargeObjectHeapTrim : IDisposable
{
    /// <summary>The process's trim, which every model swap schedules.</summary>
    public static LargeObjectHeapTrim ForProcess { get; } = new(TimeProvider.System);

    /// <summary>How long after the last model swap the compaction waits.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    private readonly ITimer _timer;
    private int _compactions;

    /// <summary>Creates the trim; its countdown runs on <paramref name="clock"/>.</summary>
    public LargeObjectHeapTrim(TimeProvider clock) =>
        _timer = clock.CreateTimer(_ => Compact(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    /// <summary>How many compactions ran.</summary>
    public int Compactions => Volatile.Read(ref _compactions);

    /// <summary>(Re)starts the countdown: the compaction runs <see cref="Quiet"/> after the last call.</summary>
    public void Schedule() => _timer.Change(Quiet, Timeout.InfiniteTimeSpan);

    private void Compact()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Interlocked.Increment(ref _compactions);
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
