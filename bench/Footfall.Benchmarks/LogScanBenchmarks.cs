using BenchmarkDotNet.Attributes;
using FASTER.core;
using Footfall.Events;
using Footfall.Log;

namespace Footfall.Benchmarks;

/// <summary>
/// What the applier pays to read the log back: <see cref="SegmentLog.ReadFrom"/> (the baseline, every frame's CRC
/// checked) against a <see cref="FasterLog"/> scan, over the same entries (50-event batches of the shop-like mix)
/// written once in setup; then the decode of those entries into events, the applier's next step. Per entry.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LogScanBenchmarks
{
    private const int Entries = 5000;
    private string _folder = "";
    private SegmentLog? _segmentLog;
    private IDevice? _device;
    private FasterLog? _fasterLog;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "footfall-bdn-scan-" + Guid.NewGuid().ToString("N"));
        _segmentLog = SegmentLog.Open(new SegmentLogOptions { Folder = Path.Combine(_folder, "segments") });
        _device = Devices.CreateLogDevice(Path.Combine(_folder, "faster", "log"));
        _fasterLog = new FasterLog(new FasterLogSettings { LogDevice = _device, LogCommitDir = Path.Combine(_folder, "faster"), MemorySize = 1L << 24, PageSize = 1L << 20 });
        var mix = new Footfall.StoreBench.EventMix(persons: 50_000, start: new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc));
        for (var i = 0; i < Entries; i++)
        {
            var entry = LogEntryCodec.Encode(new LogEntry("bench", EventSources.Native, mix.Batch(50), [], []));
            _segmentLog.AppendAsync(entry).GetAwaiter().GetResult();
            _fasterLog.Enqueue(entry);
        }
        _fasterLog.Commit(spinWait: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Entries, Description = "SegmentLog.ReadFrom")]
    public long SegmentLogScan()
    {
        long bytes = 0;
        foreach (var record in _segmentLog!.ReadFrom(0))
            bytes += record.Payload.Length;
        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Entries, Description = "FasterLog.Scan")]
    public long FasterLogScan()
    {
        long bytes = 0;
        using var iterator = _fasterLog!.Scan(_fasterLog.BeginAddress, _fasterLog.CommittedUntilAddress);
        while (iterator.GetNext(out _, out var length, out _))
            bytes += length;
        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Entries, Description = "SegmentLog.ReadFrom + decode")]
    public long SegmentLogScanAndDecode()
    {
        long events = 0;
        foreach (var record in _segmentLog!.ReadFrom(0))
            events += record.Decode().Events.Count;
        return events;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _segmentLog?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _fasterLog?.Dispose();
        _device?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
