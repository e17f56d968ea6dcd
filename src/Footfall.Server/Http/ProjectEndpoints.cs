using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Footfall.Events;
using Footfall.Ingest;
using Footfall.Projects;
using Footfall.Server.Hosting;
using Footfall.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Footfall.Server.Http;

/// <summary>Projects (CONTRACT §2), the project's settings, its quarantine and its live counts.</summary>
public static class ProjectEndpoints
{
    /// <summary>Maps the admin API (admin token) and the project routes (secret key).</summary>
    public static void MapProjects(this IEndpointRouteBuilder app, RouteGroupBuilder v1)
    {
        app.MapPost("/v1/admin/projects", CreateAsync).WithTags("Admin").WithSummary("Create a project (admin token)")
            .Produces<CreatedProject>(StatusCodes.Status201Created).Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status401Unauthorized).Produces<ApiError>(StatusCodes.Status404NotFound);
        v1.MapGet("/project", (HttpContext context) =>
        {
            var p = SecretKeyFilter.ProjectOf(context);
            return TypedResults.Ok(new ProjectInfo(p.Id, p.Name, p.CreatedAt));
        }).WithTags("Projects").WithSummary("The project the secret key opens").Produces<ProjectInfo>();
        v1.MapGet("/settings/actions", async (HttpContext context, ActionPolicies policies) =>
            TypedResults.Ok(await policies.GetAsync(context.ProjectId(), context.RequestAborted))).WithTags("Settings")
            .WithSummary("The project's action allow list and deny list").Produces<ActionLists>();
        v1.MapPut("/settings/actions", SaveActionListsAsync).WithTags("Settings")
            .WithSummary("Set the project's action allow list and deny list (an empty allow list allows all)")
            .Produces<ActionLists>().Produces<ApiError>(StatusCodes.Status400BadRequest);
        v1.MapGet("/rejected", RejectedAsync).WithTags("Quarantine").WithSummary("Rejected events with their reasons, newest first")
            .Produces<RejectedList>().Produces<ApiError>(StatusCodes.Status400BadRequest);
        v1.MapGet("/stats/live", LiveAsync).WithTags("Stats").WithSummary("Events per minute by action")
            .Produces<LiveStats>().Produces<ApiError>(StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ProjectDirectory projects, IOptions<FootfallOptions> options)
    {
        var token = options.Value.AdminToken;
        if (string.IsNullOrEmpty(token))
            return ApiError.NotFound("the admin API is disabled: set FOOTFALL_ADMIN_TOKEN to enable it");
        var header = context.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(token))))
            return ApiError.Unauthorized("the admin token is required: Authorization: Bearer $FOOTFALL_ADMIN_TOKEN");
        var (document, error) = await JsonBody.ReadAsync(context.Request, 16 * 1024);
        if (error is not null) return error;
        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || name.GetString()!.Trim().Length is 0 or > 100)
                return ApiError.BadRequest("body must be {\"name\": \"<1-100 characters>\"}");
            var (project, secret) = await projects.CreateAsync(name.GetString()!.Trim(), context.RequestAborted);
            return TypedResults.Json(new CreatedProject(project.Id, project.Name, secret), statusCode: StatusCodes.Status201Created);
        }
    }

    private static async Task<IResult> SaveActionListsAsync(HttpContext context, ActionPolicies policies)
    {
        var (document, error) = await JsonBody.ReadAsync(context.Request, 256 * 1024);
        if (error is not null) return error;
        using (document)
        {
            ActionLists? lists;
            try
            {
                lists = document!.RootElement.Deserialize<ActionLists>(StoreJson.Options);
            }
            catch (JsonException ex)
            {
                return ApiError.BadRequest($"body must be {{\"allow\": [...], \"deny\": [...]}}: {ex.Message}");
            }
            if (lists is null) return ApiError.BadRequest("body must be {\"allow\": [...], \"deny\": [...]}");
            lists = new ActionLists(lists.Allow ?? [], lists.Deny ?? []);
            if (lists.Allow.Concat(lists.Deny).FirstOrDefault(a => a is null || a.Length is 0 or > EventLimits.MaxActionLength) is { } bad)
                return ApiError.BadRequest($"'{bad}' is not an action name");
            await policies.SaveAsync(context.ProjectId(), lists, context.RequestAborted);
            return TypedResults.Ok(lists);
        }
    }

    private static async Task<IResult> RejectedAsync([AsParameters] RejectedQuery query, HttpContext context, IQuarantine store)
    {
        var (limit, error) = PersonQuery.Number(query.Limit, "limit", 50, 1, 1000);
        if (error is not null) return error;
        var rejected = await store.GetRejectedAsync(context.ProjectId(), limit, context.RequestAborted);
        return TypedResults.Ok(new RejectedList(rejected.Select(r => new QuarantinedEvent(r.Time, r.Source, r.Error, r.Raw)).ToList()));
    }

    private static async Task<IResult> LiveAsync([AsParameters] LiveQuery query, HttpContext context, ILiveCounts store, TimeProvider clock)
    {
        var (minutes, error) = PersonQuery.Number(query.Minutes, "minutes", 60, 1, 24 * 60);
        if (error is not null) return error;
        var now = EventTime.Now(clock);
        var counts = await store.CountByMinuteAsync(context.ProjectId(), now.AddMinutes(-minutes), context.RequestAborted);
        var perMinute = counts.GroupBy(c => c.Minute).OrderBy(g => g.Key)
            .Select(g => new MinuteCounts(g.Key, g.ToDictionary(c => c.Action, c => c.Count))).ToList();
        var top = counts.GroupBy(c => c.Action).Select(g => new ActionTotal(g.Key, g.Sum(c => c.Count)))
            .OrderByDescending(a => a.Count).ThenBy(a => a.Action, StringComparer.Ordinal).Take(10).ToList();
        return TypedResults.Ok(new LiveStats(perMinute, top, counts.Sum(c => c.Count)));
    }

    private sealed record RejectedQuery([FromQuery(Name = "limit")] string? Limit);

    private sealed record LiveQuery([FromQuery(Name = "minutes")] string? Minutes);

    /// <summary>The project a secret key opens (<c>GET /v1/project</c>).</summary>
    private sealed record ProjectInfo(string Id, string Name, DateTime CreatedAt);

    /// <summary>A new project and its secret key, shown this once (CONTRACT §2).</summary>
    private sealed record CreatedProject(string Id, string Name, string SecretKey);

    /// <summary>Rejected events, newest first (CONTRACT §3).</summary>
    private sealed record RejectedList(IReadOnlyList<QuarantinedEvent> Rejected);

    /// <summary>
    /// A rejected event as the project sees it: the identifiers the store keeps with it are for erasure, not for the answer.
    /// </summary>
    private sealed record QuarantinedEvent(DateTime Time, string Source, string Error, string Raw);

    /// <summary>Events per minute and action, the top actions and the total over the window.</summary>
    private sealed record LiveStats(IReadOnlyList<MinuteCounts> Minutes, IReadOnlyList<ActionTotal> TopActions, long Total);

    /// <summary>One minute's events by action.</summary>
    private sealed record MinuteCounts(DateTime Minute, IReadOnlyDictionary<string, long> Counts);

    /// <summary>One action's events over the window.</summary>
    private sealed record ActionTotal(string Action, long Count);
}
