using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;
using Footfall.Projects;
using Footfall.Server.Dialects.Crownpeak;
using Footfall.Server.Http;

namespace Footfall.Server.Dialects;

/// <summary>
/// Crownpeak / Attraqt XO activities (CONTRACT §6): <c>POST /collect/{projectId}</c>, the project id standing where
/// Attraqt's URL has the tracker key, so the SDK only needs an HTTP client that sends to Footfall.
/// </summary>
public static class CrownpeakEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void MapCrownpeak(this IEndpointRouteBuilder app) =>
        app.MapPost("/collect/{projectId}", CollectAsync).WithTags("Dialect: Crownpeak / Attraqt XO")
            .WithSummary("Store an array of Attraqt activities");

    private static async Task<IResult> CollectAsync(string projectId, HttpContext context, ProjectDirectory projects, IngestPipeline pipeline, TimeProvider clock)
    {
        var (project, error) = await IngestProject.ResolveAsync(projectId, "the /collect/{projectId} path", context, projects);
        if (error is not null) return error;
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, EventLimits.MaxBodyBytes, textCheckedPerEvent: true);
        if (bodyError is not null) return bodyError;
        using (document)
        {
            var root = document!.RootElement;
            var (items, batchError) = JsonBody.Batch(root, "activities");
            if (batchError is not null) return batchError;
            var receivedAt = EventTime.Now(clock);
            var links = new List<IdentityLink>();
            var candidates = items!.Select(item => EventCandidate.FromJson(item, raw => CrownpeakActivityReader.Read(raw, receivedAt, links))).ToList();
            return await IngestProject.CommitAsync(context, pipeline, project!.Id, EventSources.Crownpeak, candidates, links.Distinct().ToList());
        }
    }
}
