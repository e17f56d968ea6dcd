using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;
using Footfall.Projects;
using Footfall.Server.Http.Admission;

namespace Footfall.Server.Http;

/// <summary>Native ingest (CONTRACT §3): <c>POST /v1/events</c>, <c>POST /v1/identify</c>, and a dry run.</summary>
public static class IngestEndpoints
{
    private const int IdentifyBodyBytes = 16 * 1024;

    /// <summary>Maps the routes.</summary>
    public static void MapIngest(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/events", TrackAsync).WithTags("Ingest")
            .WithSummary("Store one event or a batch of up to 1000: a JSON array, or one event per line (Content-Type: application/x-ndjson)")
            .Produces<IngestResult>().Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge).Produces<ApiError>(StatusCodes.Status503ServiceUnavailable)
            .AdmitIngest(StatusCodes.Status503ServiceUnavailable, EventLimits.MaxBodyBytes);
        app.MapPost("/v1/events/validate", ValidateAsync).WithTags("Ingest")
            .WithSummary("Check a batch exactly as /v1/events would, without storing anything")
            .Produces<IngestResult>().Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status503ServiceUnavailable)
            .AdmitIngest(StatusCodes.Status503ServiceUnavailable, EventLimits.MaxBodyBytes, waitsForLog: false);
        app.MapPost("/v1/identify", IdentifyAsync).WithTags("Ingest")
            .WithSummary("Link a guest id to a user id, unless the guest's person already holds another user id")
            .Produces<LinkResult>().Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict).Produces<ApiError>(StatusCodes.Status503ServiceUnavailable)
            .AdmitIngest(StatusCodes.Status503ServiceUnavailable, IdentifyBodyBytes, waitsForLog: false);
    }

    private static async Task<IResult> TrackAsync(HttpContext context, ProjectDirectory projects, IngestPipeline pipeline, TimeProvider clock)
    {
        var (project, document, candidates, error) = await ReadRequestAsync(context, projects, clock);
        if (error is not null) return error;
        using (document)
            return await IngestProject.CommitAsync(context, pipeline, project!.Id, EventSources.Native, candidates!);
    }

    // The HTTP + JSON ceiling: the same request reading, validation and action lists as /v1/events, then nothing is stored.
    private static async Task<IResult> ValidateAsync(HttpContext context, ProjectDirectory projects, IngestPipeline pipeline, TimeProvider clock)
    {
        var (project, document, candidates, error) = await ReadRequestAsync(context, projects, clock);
        if (error is not null) return error;
        using (document)
        {
            var rejected = await pipeline.CheckAsync(project!.Id, candidates!, context.RequestAborted);
            return TypedResults.Ok(new IngestResult(candidates!.Count - rejected.Count, 0, rejected));
        }
    }

    /// <summary>
    /// The project, the parsed body and its events as candidates, or the 4xx to answer. The caller disposes the
    /// document after it is done with the candidates, which point into it for the quarantine's raw text.
    /// </summary>
    private static async Task<(Project? Project, IDisposable? Document, List<EventCandidate>? Candidates, IResult? Error)> ReadRequestAsync(
        HttpContext context, ProjectDirectory projects, TimeProvider clock)
    {
        var (project, error) = await IngestProject.ResolveAsync(context, projects);
        if (error is not null) return (null, null, null, error);
        if (IsNdjson(context.Request))
        {
            var (body, linesError) = await JsonBody.ReadBytesAsync(context.Request, EventLimits.MaxBodyBytes);
            if (linesError is not null) return (null, null, null, linesError);
            var lines = new NativeEventLines(EventTime.Now(clock), EventSources.Native);
            if (lines.ReadBody(body!) is { } events) return (project, lines, events, null);
            lines.Dispose();
            return (null, null, null, ApiError.TooLarge($"body has more than {EventLimits.MaxBatchEvents} lines; the limit is {EventLimits.MaxBatchEvents} events"));
        }
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, EventLimits.MaxBodyBytes, textCheckedPerEvent: true);
        if (bodyError is not null) return (null, null, null, bodyError);
        var (candidates, batchError) = ReadBatch(document!.RootElement, EventTime.Now(clock));
        if (batchError is null) return (project, document, candidates, null);
        document.Dispose();
        return (null, null, null, batchError);
    }

    private static (List<EventCandidate>? Candidates, IResult? Error) ReadBatch(JsonElement root, DateTime receivedAt)
    {
        var (items, error) = JsonBody.Batch(root, "events");
        return (items?.Select(element => NativeEventReader.Candidate(element, receivedAt, EventSources.Native)).ToList(), error);
    }

    // application/x-ndjson (or application/jsonl): what `footfall import --server` sends, a history file's lines as they are.
    private static bool IsNdjson(HttpRequest request) =>
        request.ContentType is { } type && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media) &&
        (media.MediaType.Equals("application/x-ndjson", StringComparison.OrdinalIgnoreCase) ||
         media.MediaType.Equals("application/jsonl", StringComparison.OrdinalIgnoreCase));

    private static async Task<IResult> IdentifyAsync(HttpContext context, ProjectDirectory projects, IngestPipeline pipeline)
    {
        var (project, error) = await IngestProject.ResolveAsync(context, projects);
        if (error is not null) return error;
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, IdentifyBodyBytes);
        if (bodyError is not null) return bodyError;
        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return ApiError.BadRequest("body must be {\"guestId\": \"...\", \"userId\": \"...\"}");
            var guestId = IdField(root, "guestId", out var guestError);
            var userId = IdField(root, "userId", out var userError);
            if ((guestError ?? userError) is { } fieldError)
                return ApiError.BadRequest(fieldError);
            return await IngestProject.RunAsync(context, async () =>
            {
                var link = new IdentityLink(Identifier.Guest(guestId!), Identifier.User(userId!));
                return await pipeline.LinkAsync(project!.Id, EventSources.Native, [link], context.RequestAborted)
                    ? TypedResults.Ok(new LinkResult(true))
                    : ApiError.Conflict(LinkRule.RefusedReason);
            });
        }
    }

    private static string? IdField(JsonElement root, string name, out string? error)
    {
        error = null;
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
            error = $"{name} is required and must be a non-empty string";
        else if (value.GetString()!.Length > EventLimits.MaxIdLength)
            error = $"{name} must be at most {EventLimits.MaxIdLength} characters";
        else
            error = TextRule.Check(name, value.GetString());
        return error is null ? value.GetString() : null;
    }

    /// <summary>The answer of <c>POST /v1/identify</c> once the link is stored.</summary>
    private sealed record LinkResult(bool Linked);
}
