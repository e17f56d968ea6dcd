using BenchmarkDotNet.Attributes;
using FASTER.core;
using Footfall.Events;
using Footfall.Log;

namespace Footfall.Benchmarks;

/// <summary>
/// Durable appends to the ingest log from concurrent writers, each waiting for its entry to be on disk before the
/// next (as a request waits for its acknowledgement): Footfall's <see cref="SegmentLog"/> (the baseline) against
/// FASTER's <see cref="FasterLog"/> with <c>AutoCommit</c> (a commit per enqueue, which FASTER folds together).
/// One entry is one request's batch of the shop-like mix, encoded once in setup; each invocation appends 2,000
/// entries, so the time shown is per entry and 1 / time is the rate.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LogAppendBenchmarks
{
    private const int EntriesPerInvocation = 2000;
    private string _folder = "";
    private SegmentLog? _segmentLog;
    private IDevice? _device;
    private FasterLog? _fasterLog;
    private byte[] _entry = [];

    /// <summary>Concurrent writers (requests in flight).</summary>
    [Params(1, 16, 64)]
    public int Writers { get; set; }

    /// <summary>Events in each entry (a request's batch).</summary>
    [Params(1, 50)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "footfall-bdn-log-" + Guid.NewGuid().ToString("N"));
        _segmentLog = SegmentLog.Open(new SegmentLogOptions { Folder = Path.Combine(_folder, "segments") });
        _device = Devices.CreateLogDevice(Path.Combine(_folder, "faster", "log"));
        _fasterLog = new FasterLog(new FasterLogSettings
        {
            LogDevice = _device,
            LogCommitDir = Path.Combine(_folder, "faster"),
            AutoCommit = true,
        });
        var events = new Footfall.StoreBench.EventMix(persons: 50_000, start: new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc)).Batch(Events);
        _entry = LogEntryCodec.Encode(new LogEntry("bench", EventSources.Native, events, [], []));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EntriesPerInvocation, Description = "SegmentLog.AppendAsync")]
    public Task SegmentLogAppend() => FromWriters(() => _segmentLog!.AppendAsync(_entry));

    [Benchmark(OperationsPerInvoke = EntriesPerInvocation, Description = "FasterLog.EnqueueAndWaitForCommitAsync")]
    public Task FasterLogAppend() => FromWriters(() => _fasterLog!.EnqueueAndWaitForCommitAsync(_entry).AsTask());

    [GlobalCleanup]
    public void Cleanup()
    {
        _segmentLog?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _fasterLog?.Dispose();
        _device?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private Task FromWriters(Func<Task<long>> append) =>
        Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < EntriesPerInvocation / Writers; i++)
                await append();
        })));
}
