using System.Text.Json;
using Footfall.Events;
using Footfall.Ingest;
using Footfall.Server.Http;

namespace Footfall.Server.Dialects.Synerise;

/// <summary>
/// Synerise custom events (CONTRACT §6): <c>POST /synerise/v4/events/custom</c> (one event) and
/// <c>/synerise/v4/events/batch</c> (an array), the project in <c>X-Project-Id</c>. Accepted events get 202, as Synerise answers.
/// </summary>
public sealed class SyneriseDialect(bool single) : DialectEndpoint
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/synerise/v4/events").WithTags("Dialect: Synerise");
        group.MapDialect("POST", "/custom", new SyneriseDialect(single: true)).WithSummary("Store one custom event")
            .Produces(StatusCodes.Status202Accepted);
        group.MapDialect("POST", "/batch", new SyneriseDialect(single: false)).WithSummary("Store an array of custom events")
            .Produces<IngestResult>(StatusCodes.Status202Accepted);
    }

    /// <inheritdoc />
    public override string Source => EventSources.Synerise;

    /// <inheritdoc />
    public override int MaxBodyBytes => single ? 64 * 1024 : EventLimits.MaxBodyBytes;

    /// <inheritdoc />
    public override BodyShape Shape => single ? BodyShape.One : BodyShape.Many;

    /// <inheritdoc />
    public override string Noun => single ? "an event" : "events";

    /// <inheritdoc />
    public override (string? Id, string Where) FindProject(HttpRequest request, JsonElement body) => IngestProject.ProjectId(request);

    /// <inheritdoc />
    public override string? Read(JsonElement item, DialectContext context, DialectBatch batch)
    {
        batch.Add(SyneriseEventReader.Read(item, context.ReceivedAt, batch));
        return null;
    }

    /// <inheritdoc />
    public override IResult Answer(IngestResult result, DialectContext context, DialectBatch batch) => single
        // One event per request: its refusal (kept aside like any other) is the request's answer.
        ? result.Rejected.Count > 0 ? ApiError.BadRequest(result.Rejected[0].Error) : TypedResults.Accepted((string?)null)
        : TypedResults.Json(result, statusCode: StatusCodes.Status202Accepted);
}
