using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Footfall.Events;
using Footfall.Ingest;

namespace Footfall.Benchmarks;

/// <summary>
/// What <c>POST /v1/events</c> does to a body before anything is stored: parse it, translate each element with
/// <see cref="NativeEventReader.TryRead"/>, check it with <see cref="EventValidator.Validate"/>. The baseline parses
/// the same body and does nothing else, the floor any reader of a JSON body pays.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ReadAndValidateBenchmarks
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 }; // as the server parses bodies
    private static readonly DateTime ReceivedAt = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
    private byte[] _body = [];

    /// <summary>Events in the batch.</summary>
    [Params(1, 50, 1000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup() =>
        _body = NativeBody.Write(new Footfall.StoreBench.EventMix(persons: 10_000, start: ReceivedAt.AddDays(-30)).Batch(Events));

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse only")]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(_body, Options);
        return document.RootElement.GetArrayLength();
    }

    [Benchmark(Description = "Parse + TryRead + Validate")]
    public int ParseReadValidate()
    {
        using var document = JsonDocument.Parse(_body, Options);
        var accepted = 0;
        foreach (var element in document.RootElement.EnumerateArray())
        {
            if (NativeEventReader.TryRead(element, ReceivedAt, EventSources.Native, out var e, out _)
                && EventValidator.Validate(e!) is null)
                accepted++;
        }
        if (accepted != Events)
            throw new InvalidOperationException($"only {accepted} of {Events} events were accepted");
        return accepted;
    }
}
