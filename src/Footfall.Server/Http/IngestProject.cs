using Footfall.Ingest;
using Footfall.Projects;

namespace Footfall.Server.Http;

/// <summary>What every ingest entry point shares: finding the project by its public id, and committing.</summary>
public static class IngestProject
{
    /// <summary>The project named by <c>X-Project-Id</c> or <c>?project=</c>; 400 when neither, 404 when unknown.</summary>
    public static Task<(Project? Project, IResult? Error)> ResolveAsync(HttpContext context, ProjectDirectory projects)
    {
        var id = context.Request.Headers["X-Project-Id"].ToString();
        if (id.Length == 0)
            id = context.Request.Query["project"].ToString();
        return ResolveAsync(id, "X-Project-Id header or ?project= query", context, projects);
    }

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
        RunAsync(context, async () => Results.Ok(await pipeline.IngestAsync(projectId, source, candidates, links, context.RequestAborted)));

    /// <summary>
    /// Runs a commit, turning a full queue into 503 with Retry-After (a failing store is answered the same way by
    /// the global handler, <see cref="ErrorAnswers"/>).
    /// </summary>
    public static async Task<IResult> RunAsync(HttpContext context, Func<Task<IResult>> commit)
    {
        try
        {
            return await commit();
        }
        catch (IngestQueueFullException ex)
        {
            return ApiError.Unavailable(context, ex.Message);
        }
    }
}
