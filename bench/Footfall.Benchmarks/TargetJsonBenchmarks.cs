using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Footfall.Storage;

namespace Footfall.Benchmarks;

/// <summary>
/// The target column of every stored event. <see cref="TargetJson.Write"/> exists to beat the general serializer on
/// this tiny map; the baseline is that serializer on the same dictionary, which is what the store used before.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class TargetJsonBenchmarks
{
    private Dictionary<string, string> _target = [];

    /// <summary>Entries in the target: 1 is the common <c>{"product": id}</c>; 3 is a rich one.</summary>
    [Params(1, 3)]
    public int Kinds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _target = new Dictionary<string, string>(StringComparer.Ordinal) { ["product"] = "sku-1842" };
        if (Kinds > 1)
        {
            _target["category"] = "shoes/running";
            _target["page"] = "/products/sku-1842?ref=home";
        }
        if (TargetJson.Write(_target) != JsonSerializer.Serialize(_target))
            throw new InvalidOperationException("the two writers disagree; the comparison would be unfair");
    }

    [Benchmark(Baseline = true, Description = "JsonSerializer.Serialize")]
    public string Serializer() => JsonSerializer.Serialize(_target);

    [Benchmark(Description = "TargetJson.Write")]
    public string? Handwritten() => TargetJson.Write(_target);
}
