using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;
using Footfall.Server.Dialects.Synerise;
using Footfall.Projects;
using Footfall.Server.Http;

namespace Footfall.Server.Dialects;

/// <summary>
/// Synerise custom events (CONTRACT §6): <c>POST /synerise/v4/events/custom</c> (one event) and
/// <c>/synerise/v4/events/batch</c> (an array), the project in <c>X-Project-Id</c>. Accepted events get 202, as Synerise answers.
/// </summary>
public static class SyneriseEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void MapSynerise(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/synerise/v4/events").WithTags("Dialect: Synerise");
        group.MapPost("/custom", CustomAsync).WithSummary("Store one custom event");
        group.MapPost("/batch", BatchAsync).WithSummary("Store an array of custom events");
    }

    private static async Task<IResult> CustomAsync(HttpContext context, ProjectDirectory projects, IngestPipeline pipeline, TimeProvider clock)
    {
        var (project, error) = await IngestProject.ResolveAsync(context, projects);
        if (error is not null) return error;
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, 64 * 1024, textCheckedPerEvent: true);
        if (bodyError is not null) return bodyError;
        using (document)
        {
            var links = new List<IdentityLink>();
            var root = document!.RootElement;
            var textError = TextRule.CheckJson(root);
            var candidate = textError is null ? SyneriseEventReader.Read(root, EventTime.Now(clock), links) : EventCandidate.Invalid(textError, root);
            // Text the rule refuses is kept aside like any refused event; a shape error is only answered.
            if (textError is null && candidate.Error is not null)
                return ApiError.BadRequest(candidate.Error);
            return await IngestProject.RunAsync(context, async () =>
            {
                var result = await pipeline.IngestAsync(project!.Id, EventSources.Synerise, [candidate], links, context.RequestAborted);
                // One event per request: a refusal is the request's answer. The event is kept aside with its reason.
                return result.Rejected.Count > 0 ? ApiError.BadRequest(result.Rejected[0].Error) : Results.Accepted();
            });
        }
    }

    private static async Task<IResult> BatchAsync(HttpContext context, ProjectDirectory projects, IngestPipeline pipeline, TimeProvider clock)
    {
        var (project, error) = await IngestProject.ResolveAsync(context, projects);
        if (error is not null) return error;
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, EventLimits.MaxBodyBytes, textCheckedPerEvent: true);
        if (bodyError is not null) return bodyError;
        using (document)
        {
            var root = document!.RootElement;
            var (items, batchError) = JsonBody.Batch(root, "events", allowSingle: false);
            if (batchError is not null) return batchError;
            var receivedAt = EventTime.Now(clock);
            var links = new List<IdentityLink>();
            var candidates = items!.Select(item => EventCandidate.FromJson(item, raw => SyneriseEventReader.Read(raw, receivedAt, links))).ToList();
            return await IngestProject.RunAsync(context, async () =>
                Results.Json(await pipeline.IngestAsync(project!.Id, EventSources.Synerise, candidates, links.Distinct().ToList(), context.RequestAborted),
                    statusCode: StatusCodes.Status202Accepted));
        }
    }
}
