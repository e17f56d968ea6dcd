using System.Text;
using System.Text.Json;
using Footfall.Events;

namespace Footfall.Ingest;

/// <summary>
/// Native events one per line (NDJSON), each line parsed on its own: a line that is not JSON is a candidate rejected
/// alone with the reason and kept aside with its text, so a line a client mangled costs no event beside it. What a
/// <c>/v1/events</c> body of <c>application/x-ndjson</c> and <c>footfall import</c> read. Disposing it disposes the
/// lines' documents, which the candidates point into.
/// </summary>
public sealed class NativeEventLines(DateTime receivedAt, string source) : IDisposable
{
    private readonly List<JsonDocument> _documents = [];

    /// <summary>Options every body and line of one is parsed with.</summary>
    public static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64 };

    /// <summary>
    /// The candidates of a body's lines (blank ones skipped: a rejection's index counts the others from 0), or null
    /// when it holds more than <see cref="EventLimits.MaxBatchEvents"/>.
    /// </summary>
    public List<EventCandidate>? ReadBody(byte[] body)
    {
        var candidates = new List<EventCandidate>();
        foreach (var range in ((ReadOnlySpan<byte>)body).Split((byte)'\n'))
        {
            var line = body.AsMemory(range);
            if (line.Span.EndsWith((byte)'\r'))
                line = line[..^1];
            if (line.Span.Trim(" \t"u8).IsEmpty)
                continue;
            if (candidates.Count == EventLimits.MaxBatchEvents)
                return null;
            candidates.Add(Read(line));
        }
        return candidates;
    }

    /// <summary>One line's candidate.</summary>
    public EventCandidate Read(ReadOnlyMemory<byte> line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, JsonOptions);
        }
        catch (JsonException ex)
        {
            return EventCandidate.Invalid($"not valid JSON: {ex.Message}", Encoding.UTF8.GetString(line.Span));
        }
        _documents.Add(document);
        return NativeEventReader.Candidate(document.RootElement, receivedAt, source);
    }

    /// <inheritdoc />
    public void Dispose() => _documents.ForEach(d => d.Dispose());
}
