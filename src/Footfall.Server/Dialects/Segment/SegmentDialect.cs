using System.Text;
using System.Text.Json;
using Footfall.Ingest;
using Footfall.Server.Http;

namespace Footfall.Server.Dialects.Segment;

/// <summary>
/// Segment's tracking API (CONTRACT §9) under <c>/segment</c>, so Segment-compatible clients need only their host
/// changed: <c>/v1/batch</c>, <c>/v1/import</c> and one route per message type, with the one-letter forms analytics.js
/// uses. The write key is the project id. Limits are Segment's: 32 KB a message, 500 KB a batch, answered 400.
/// </summary>
public sealed class SegmentDialect(string? impliedType) : DialectEndpoint
{
    /// <summary>Segment's limit on one message.</summary>
    public const int MaxMessageBytes = 32 * 1024;

    /// <summary>Segment's limit on a batch request.</summary>
    public const int MaxBatchBytes = 500 * 1024;

    private static readonly (string Path, string Letter, string Type)[] Types =
    [
        ("track", "t", "track"), ("identify", "i", "identify"), ("page", "p", "page"),
        ("screen", "s", "screen"), ("group", "g", "group"), ("alias", "a", "alias"),
    ];

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/segment/v1").WithTags("Dialect: Segment");
        var batch = new SegmentDialect(null);
        foreach (var path in new[] { "batch", "import", "b" })
            Describe(group.MapDialect("POST", "/" + path, batch).WithSummary("Store a batch of Segment messages {batch: [...]}"));
        foreach (var (path, letter, type) in Types)
        {
            var single = new SegmentDialect(type);
            Describe(group.MapDialect("POST", "/" + path, single).WithSummary($"Store one Segment {type} message"));
            Describe(group.MapDialect("POST", "/" + letter, single).WithSummary($"Store one Segment {type} message (analytics.js)"));
        }
        SegmentSettings.Map(group);
    }

    private static void Describe(RouteHandlerBuilder route) => route.Produces<SegmentAnswer>();

    /// <inheritdoc />
    public override string Source => SegmentMessageReader.Source;

    /// <inheritdoc />
    public override int BusyStatus => StatusCodes.Status429TooManyRequests;

    /// <inheritdoc />
    public override (string? Id, string Where) FindProject(HttpRequest request, JsonElement body) =>
        (WriteKey(request, body), "Basic auth base64(writeKey:), X-Write-Key header or the body's writeKey");

    /// <inheritdoc />
    public override (IReadOnlyList<JsonElement>? Items, IResult? Error) Items(JsonElement body, DialectContext context)
    {
        var bytes = Encoding.UTF8.GetByteCount(body.GetRawText());
        if (impliedType is not null)
        {
            if (body.ValueKind != JsonValueKind.Object)
                return (null, ApiError.BadRequest($"body must be one {impliedType} message, a JSON object"));
            return bytes > MaxMessageBytes ? (null, ApiError.BadRequest($"message is {bytes} bytes; Segment's limit is {MaxMessageBytes}")) : ([body], null);
        }
        if (bytes > MaxBatchBytes)
            return (null, ApiError.BadRequest($"batch is {bytes} bytes; Segment's limit is {MaxBatchBytes}"));
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("batch", out var array) || array.ValueKind != JsonValueKind.Array)
            return (null, ApiError.BadRequest("body must be {\"batch\": [messages]}"));
        var items = array.EnumerateArray().ToList();
        if (items.Count > Events.EventLimits.MaxBatchEvents)
            return (null, ApiError.BadRequest($"batch has {items.Count} messages; the limit is {Events.EventLimits.MaxBatchEvents}"));
        for (var i = 0; i < items.Count; i++)
        {
            var size = Encoding.UTF8.GetByteCount(items[i].GetRawText());
            if (size > MaxMessageBytes)
                return (null, ApiError.BadRequest($"batch[{i}] is {size} bytes; Segment's limit is {MaxMessageBytes} a message"));
        }
        return (items, null);
    }

    /// <inheritdoc />
    public override string? Read(JsonElement item, DialectContext context, DialectBatch batch)
    {
        var sentAt = context.Body.ValueKind == JsonValueKind.Object && context.Body.TryGetProperty("sentAt", out var s) ? s : (JsonElement?)null;
        SegmentMessageReader.Read(item, impliedType, sentAt, context.ReceivedAt, batch);
        return null;
    }

    /// <inheritdoc />
    public override IResult Answer(IngestResult result, DialectContext context, DialectBatch batch) =>
        TypedResults.Ok(new SegmentAnswer(true, result.Accepted, result.Duplicates, result.Rejected, result.RefusedLinks));

    // Clients send the key as Basic auth (the server libraries), in the body (analytics.js) or as X-Write-Key.
    private static string? WriteKey(HttpRequest request, JsonElement body)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
                if (decoded.Split(':')[0] is { Length: > 0 } key) return key;
            }
            catch (FormatException)
            {
                // Not base64: the key may still come another way.
            }
        }
        if (request.Headers["X-Write-Key"].ToString() is { Length: > 0 } header)
            return header;
        if (body.ValueKind != JsonValueKind.Object)
            return null;
        if (DialectJson.TryReadString(body, "writeKey", out var inBody, out _) && !string.IsNullOrEmpty(inBody))
            return inBody;
        return body.TryGetProperty("batch", out var array) && array.ValueKind == JsonValueKind.Array && array.GetArrayLength() > 0
            && DialectJson.TryReadString(array[0], "writeKey", out var inItem, out _) ? inItem : null;
    }
}

/// <summary>
/// The answer to a Segment request: Segment's <c>{"success": true}</c> and Footfall's counts, including the links
/// (identify, alias, a message's two ids) the link rule refused and kept aside.
/// </summary>
public sealed record SegmentAnswer(bool Success, int Accepted, int Duplicates, IReadOnlyList<IngestRejection> Rejected, int RefusedLinks);
