using BenchmarkDotNet.Attributes;

namespace Footfall.Benchmarks;

/// <summary>
/// A retried id's cost: lookups in a key index holding 1M keys, of keys it holds and of keys it does not, for each
/// candidate; the baseline is today's in-memory hashes. 1,000 lookups an invocation, so the time is per lookup.
/// Insert rates, RSS and restart times at 10M keys come from <c>keys-at-scale</c> (see <see cref="KeyIndexAtScale"/>).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class KeyIndexBenchmarks
{
    private const int Keys = 1_000_000;
    private const int LookupsPerInvocation = 1000;
    private string _folder = "";
    private IKeyIndexCandidate? _index;
    private string[] _lookups = [];

    /// <summary>Whether the keys looked up are held (a retry) or not (a new event).</summary>
    [Params("present", "absent")]
    public string Lookup { get; set; } = "present";

    [GlobalSetup(Target = nameof(Memory))]
    public void SetupMemory() => Load("memory");

    [GlobalSetup(Target = nameof(RocksDb))]
    public void SetupRocksDb() => Load("rocksdb");

    [GlobalSetup(Target = nameof(ZoneTree))]
    public void SetupZoneTree() => Load("zonetree");

    [GlobalSetup(Target = nameof(FasterKv))]
    public void SetupFasterKv() => Load("faster");

    [Benchmark(Baseline = true, OperationsPerInvoke = LookupsPerInvocation, Description = "in-memory hashes (today)")]
    public int Memory() => Run();

    [Benchmark(OperationsPerInvoke = LookupsPerInvocation, Description = "RocksDB (IdempotencyKeyIndex)")]
    public int RocksDb() => Run();

    [Benchmark(OperationsPerInvoke = LookupsPerInvocation, Description = "ZoneTree")]
    public int ZoneTree() => Run();

    [Benchmark(OperationsPerInvoke = LookupsPerInvocation, Description = "FASTER KV")]
    public int FasterKv() => Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        _index?.Dispose();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private void Load(string candidate)
    {
        _folder = Path.Combine(Path.GetTempPath(), "footfall-bdn-keys-" + Guid.NewGuid().ToString("N"));
        _index = KeyIndexCandidates.Open(candidate, _folder);
        var keys = new string[1000];
        for (var entry = 0; entry < Keys / keys.Length; entry++)
        {
            for (var i = 0; i < keys.Length; i++)
                keys[i] = KeyIndexCandidates.Key(entry * keys.Length + i);
            _index.Add(keys, entry + 1);
        }
        _index.Persist();
        var random = new Random(3);
        _lookups = [.. Enumerable.Range(0, LookupsPerInvocation).Select(_ => Lookup == "present"
            ? KeyIndexCandidates.Key(random.Next(Keys))
            : KeyIndexCandidates.AbsentKey(random.Next(Keys)))];
    }

    private int Run()
    {
        var found = 0;
        foreach (var key in _lookups)
        {
            if (_index!.Contains(key))
                found++;
        }
        return found;
    }
}
