using Footfall.Ingest;
using Footfall.Projects;

namespace Footfall.Server.Http;

/// <summary>What every ingest entry point shares: finding the project by its public id, and committing.</summary>
public static class IngestProject
{
    /// <summary>The project named by <c>X-Project-Id</c> or <c>?project=</c>; 400 when neither, 404 when unknown.</summary>
    public static Task<(Project? Project, IResult? Error)> ResolveAsync(HttpContext context, ProjectDirectory projects)
    {
        var (id, where) = ProjectId(context.Request);
        return ResolveAsync(id, where, context, projects);
    }

    /// <summary>The project id as the native API takes it: <c>X-Project-Id</c> or <c>?project=</c>, and where it was looked for.</summary>
    public static (string? Id, string Where) ProjectId(HttpRequest request) =>
        (request.Headers["X-Project-Id"].ToString() is { Length: > 0 } id ? id : request.Query["project"].ToString(),
            "X-Project-Id header or ?project= query");

    /// <summary>The project with public id <paramref name="id"/>; 400 when empty, 404 when unknown.</summary>
    public static async Task<(Project? Project, IResult? Error)> ResolveAsync(string? id, string how, HttpContext context, ProjectDirectory projects)
    {
        if (string.IsNullOrEmpty(id))
            return (null, ApiError.BadRequest($"the project id is required ({how})"));
        var project = await projects.FindAsync(id, context.RequestAborted);
        return project is null ? (null, ApiError.NotFound($"unknown project '{id}'")) : (project, null);
    }

    /// <summary>Commits candidates and answers with the native result body (or 503 when the queue is full).</summary>
    public static Task<IResult> CommitAsync(HttpContext context, IngestPipeline pipeline, string projectId, string source,
        IReadOnlyList<EventCandidate> candidates, IReadOnlyList<Footfall.Identity.IdentityLink>? links = null) =>
        RunAsync(context, async () => TypedResults.Ok(await pipeline.IngestAsync(projectId, source, candidates, links, context.RequestAborted)));

    /// <summary>
    /// Runs a commit, turning a full queue into <paramref name="busyStatus"/> with Retry-After (a failing store is
    /// answered 503 the same way by the global handler, <see cref="ErrorAnswers"/>).
    /// </summary>
    public static async Task<IResult> RunAsync(HttpContext context, Func<Task<IResult>> commit, int busyStatus = StatusCodes.Status503ServiceUnavailable)
    {
        try
        {
            return await commit();
        }
        catch (IngestQueueFullException ex)
        {
            return ApiError.Unavailable(context, ex.Message, busyStatus);
        }
    }
}
