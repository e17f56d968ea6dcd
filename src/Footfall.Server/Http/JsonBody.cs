using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Footfall.Events;
using Footfall.Ingest;

namespace Footfall.Server.Http;

/// <summary>Reads a request body as JSON within a byte limit, turning every way it can be bad into a 4xx.</summary>
public static class JsonBody
{
    /// <summary>
    /// The parsed body, or the error result to answer with. A body that is not valid UTF-8 is refused naming the byte
    /// offset. Every string in it must pass the <see cref="TextRule"/> (400 naming the field), unless
    /// <paramref name="textCheckedPerEvent"/>: then each event is checked on its own, so one bad event is refused alone.
    /// A <c>Content-Encoding: gzip</c> body is inflated and <paramref name="maxBytes"/> bounds what it inflates to, so
    /// a small bomb costs no more than a big body. On an ingest route the bytes read count against admission
    /// (<see cref="Admission.AdmissionTicket"/>): a body of unknown length that grows past its bound is refused there.
    /// </summary>
    public static async Task<(JsonDocument? Document, IResult? Error)> ReadAsync(HttpRequest request, int maxBytes, bool textCheckedPerEvent = false)
    {
        var (body, error) = await ReadBytesAsync(request, maxBytes);
        if (error is not null)
            return (null, error);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, NativeEventLines.JsonOptions);
        }
        catch (JsonException ex)
        {
            return (null, ApiError.BadRequest($"body is not valid JSON: {ex.Message}"));
        }
        if (textCheckedPerEvent || TextRule.CheckJson(document.RootElement, "body") is not { } textError)
            return (document, null);
        document.Dispose();
        return (null, ApiError.BadRequest(textError));
    }

    /// <summary>
    /// The body's bytes, read as <see cref="ReadAsync(HttpRequest, int, bool)"/> reads them (gzip, the bound, admission,
    /// valid UTF-8), or the error result to answer with.
    /// </summary>
    public static async Task<(byte[]? Body, IResult? Error)> ReadBytesAsync(HttpRequest request, int maxBytes)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            return (null, ApiError.BadRequest($"Content-Encoding '{encoding}' is not supported; send gzip or no encoding"));
        if (!gzip && request.ContentLength > maxBytes)
            return (null, ApiError.TooLarge($"body is {request.ContentLength} bytes; the limit is {maxBytes}"));
        await using var source = gzip ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true) : null;
        try
        {
            return await ReadBytesAsync(source ?? request.Body, request, gzip ? null : request.ContentLength, maxBytes);
        }
        catch (InvalidDataException ex)
        {
            return (null, ApiError.BadRequest($"body is not valid gzip: {ex.Message}"));
        }
    }

    private static async Task<(byte[]? Body, IResult? Error)> ReadBytesAsync(Stream body, HttpRequest request, long? declared, int maxBytes)
    {
        var ticket = request.HttpContext.Features.Get<Admission.AdmissionTicket>();
        // A declared length is exact (the server ends the body there), so the buffer is rented for that size, not for the
        // route's limit (the pool still rounds it up to its bucket).
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, (int)Math.Min(maxBytes + 1, declared ?? 16 * 1024)));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length == declared)
                        break;
                    if (length > maxBytes)
                        return (null, ApiError.TooLarge($"body is over the limit of {maxBytes} bytes"));
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted);
                if (read == 0) break;
                length += read;
                if (ticket is not null && !ticket.Hold(length))
                    return (null, ticket.Refusal(request.HttpContext));
            }
            ticket?.BodyRead();
            if (length > maxBytes)
                return (null, ApiError.TooLarge($"body is over the limit of {maxBytes} bytes"));
            if (length == 0)
                return (null, ApiError.BadRequest("body is empty; expected JSON"));
            // System.Text.Json parses invalid UTF-8 inside strings and only throws when the string is read: refuse it here, once.
            if (InvalidUtf8Offset(buffer.AsSpan(0, length)) is { } offset)
                return (null, ApiError.BadRequest($"body is not valid UTF-8: invalid byte sequence at byte offset {offset}"));
            // A copy, so the pooled buffer can go back.
            return (buffer.AsSpan(0, length).ToArray(), null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The offset of the first byte that is not part of a valid UTF-8 sequence, or null when all are.</summary>
    public static int? InvalidUtf8Offset(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
            return null;
        var offset = 0;
        while (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) == OperationStatus.Done)
            offset += consumed;
        return offset;
    }

    /// <summary>
    /// The items of a batch body: a JSON array of at most <see cref="EventLimits.MaxBatchEvents"/>, or (when
    /// <paramref name="allowSingle"/>) one object; otherwise the 400 or 413 naming what was wrong.
    /// </summary>
    public static (List<JsonElement>? Items, IResult? Error) Batch(JsonElement root, string noun, bool allowSingle = true)
    {
        var items = root.ValueKind switch
        {
            JsonValueKind.Array => root.EnumerateArray().ToList(),
            JsonValueKind.Object when allowSingle => [root],
            _ => null,
        };
        if (items is null)
            return (null, ApiError.BadRequest(allowSingle ? $"body must be one object or a JSON array of {noun}" : $"body must be a JSON array of {noun}"));
        if (items.Count > EventLimits.MaxBatchEvents)
            return (null, ApiError.TooLarge($"batch has {items.Count} {noun}; the limit is {EventLimits.MaxBatchEvents}"));
        return (items, null);
    }
}
