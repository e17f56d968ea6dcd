using Footfall.Events;
using Footfall.Ingest;
using Footfall.Projects;
using Footfall.Server.Dialects.OneEntry;
using Footfall.Server.Http;

namespace Footfall.Server.Dialects;

/// <summary>
/// OneEntry UserActivity (CONTRACT §6): <c>POST /oneentry/user-activity</c>, the project in <c>x-app-token</c>, the
/// visitor in <c>x-guest-id</c> or <c>x-user-id</c>. Answers <c>true</c>, as <c>trackUserActivity()</c> resolves.
/// </summary>
public static class OneEntryEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void MapOneEntry(this IEndpointRouteBuilder app) =>
        app.MapPost("/oneentry/user-activity", TrackAsync).WithTags("Dialect: OneEntry").WithSummary("Store one UserActivity event");

    private static async Task<IResult> TrackAsync(HttpContext context, ProjectDirectory projects, IngestPipeline pipeline, TimeProvider clock)
    {
        var (project, error) = await IngestProject.ResolveAsync(context.Request.Headers["x-app-token"].ToString(), "x-app-token header", context, projects);
        if (error is not null) return error;
        var guestId = Header(context, "x-guest-id");
        var userId = Header(context, "x-user-id");
        if (guestId is null && userId is null)
            return ApiError.BadRequest("x-guest-id or x-user-id header is required");
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, 64 * 1024, textCheckedPerEvent: true);
        if (bodyError is not null) return bodyError;
        using (document)
        {
            var body = document!.RootElement;
            var textError = TextRule.CheckJson(body);
            var (trackedEvent, readError) = textError is null ? OneEntryActivityReader.Read(body, guestId, userId, EventTime.Now(clock)) : (null, null);
            if (readError is not null)
                return ApiError.BadRequest(readError);
            // Text the rule refuses is kept aside like any refused event; a shape error is only answered. The event
            // carries both headers' ids, so the store links them as it links any event's pair.
            var candidate = textError is null ? EventCandidate.Of(trackedEvent!, body) : EventCandidate.Invalid(textError, body);
            return await IngestProject.RunAsync(context, async () =>
            {
                var result = await pipeline.IngestAsync(project!.Id, EventSources.OneEntry, [candidate], null, context.RequestAborted);
                // One event per request: a refusal (an action list, a field rule) is the request's answer. The event is kept aside.
                return result.Rejected.Count > 0 ? ApiError.BadRequest(result.Rejected[0].Error) : Results.Ok(true);
            });
        }
    }

    private static string? Header(HttpContext context, string name) =>
        context.Request.Headers[name].ToString() is { Length: > 0 } value ? value : null;
}
