using BenchmarkDotNet.Attributes;
using Footfall.Events;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Benchmarks;

/// <summary>
/// One group commit into a DuckDB file in a temp folder: <see cref="DuckDbEventStore.CommitAsync"/> with the
/// shop-like mix (keys checked against the key index, identifiers interned, links, the appenders, the transaction
/// and its WAL flush, then the attribution index). The baseline commits one event: the fixed cost of a commit, so the
/// ratio says how many of those a batch of N is worth and (ratio - 1) / (N - 1) the per-event share.
/// One commit per invocation; the batch is built outside the measurement. The store grows across iterations as a
/// live one does (by at most ~100K events here).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[WarmupCount(3)]
[IterationCount(15)]
public class DuckDbCommitBenchmarks
{
    private const string ProjectId = "bench";
    private static readonly DateTime Start = new(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly Footfall.StoreBench.EventMix _events = new(persons: 50_000, start: Start);
    private string _folder = "";
    private DuckDbEventStore? _store;
    private ProjectWrite[] _one = [];
    private ProjectWrite[] _batch = [];

    /// <summary>Events in the commit.</summary>
    [Params(50, 1000, 5000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "footfall-bdn-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _store = new DuckDbEventStore(Path.Combine(_folder, "bench.duckdb"), NullLogger<DuckDbEventStore>.Instance);
        _store.InitializeAsync().GetAwaiter().GetResult();
        _store.CreateProjectAsync(new Project(ProjectId, "bench", "h", Start)).GetAwaiter().GetResult();
        // Some history first, so that the first measured commits do not create every identifier.
        for (var i = 0; i < 10; i++)
            _store.CommitAsync([new ProjectWrite(ProjectId, _events.Batch(5000), [], [])]).GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void BuildBatches()
    {
        _one = [new ProjectWrite(ProjectId, _events.Batch(1), [], [])];
        _batch = [new ProjectWrite(ProjectId, _events.Batch(Events), [], [])];
    }

    [Benchmark(Baseline = true, Description = "CommitAsync, 1 event (fixed cost)")]
    public async Task<int> CommitOne() => Accepted(await _store!.CommitAsync(_one));

    [Benchmark(Description = "CommitAsync, N events")]
    public async Task<int> CommitBatch() => Accepted(await _store!.CommitAsync(_batch));

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    private static int Accepted(IReadOnlyList<WriteOutcome> outcomes) =>
        outcomes[0].Accepted > 0 ? outcomes[0].Accepted : throw new InvalidOperationException("nothing was stored");
}
