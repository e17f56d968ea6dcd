using System.Text.Json;
using Footfall.Events;
using Footfall.Ingest;
using Footfall.Server.Http;

namespace Footfall.Server.Dialects.OneEntry;

/// <summary>
/// OneEntry UserActivity (CONTRACT §6): <c>POST /oneentry/user-activity</c>, the project in <c>x-app-token</c>, the
/// visitor in <c>x-guest-id</c> or <c>x-user-id</c>. Answers <c>true</c>, as <c>trackUserActivity()</c> resolves.
/// </summary>
public sealed class OneEntryDialect : DialectEndpoint
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapDialect("POST", "/oneentry/user-activity", new OneEntryDialect()).WithTags("Dialect: OneEntry")
            .WithSummary("Store one UserActivity event").Produces<bool>();

    /// <inheritdoc />
    public override string Source => EventSources.OneEntry;

    /// <inheritdoc />
    public override int MaxBodyBytes => 64 * 1024;

    /// <inheritdoc />
    public override BodyShape Shape => BodyShape.One;

    /// <inheritdoc />
    public override string Noun => "body";

    /// <inheritdoc />
    public override (string? Id, string Where) FindProject(HttpRequest request, JsonElement body) =>
        (request.Headers["x-app-token"].ToString(), "x-app-token header");

    /// <inheritdoc />
    public override string? FindPerson(HttpRequest request, out DialectPerson person)
    {
        person = new DialectPerson(Header(request, "x-guest-id"), Header(request, "x-user-id"));
        return person is { GuestId: null, UserId: null } ? "x-guest-id or x-user-id header is required" : null;
    }

    /// <inheritdoc />
    public override string? Read(JsonElement item, DialectContext context, DialectBatch batch)
    {
        var (trackedEvent, error) = OneEntryActivityReader.Read(item, context.Person.GuestId, context.Person.UserId, context.ReceivedAt);
        batch.Add(error is null ? EventCandidate.Of(trackedEvent!, item) : EventCandidate.Invalid(error, item));
        return null;
    }

    // One event per request: its refusal (kept aside like any other) is the request's answer.
    /// <inheritdoc />
    public override IResult Answer(IngestResult result, DialectContext context, DialectBatch batch) =>
        result.Rejected.Count > 0 ? ApiError.BadRequest(result.Rejected[0].Error) : TypedResults.Ok(true);

    private static string? Header(HttpRequest request, string name) =>
        request.Headers[name].ToString() is { Length: > 0 } value ? value : null;
}
