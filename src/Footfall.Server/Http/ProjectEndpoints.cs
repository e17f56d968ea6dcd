using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Footfall.Events;
using Footfall.Ingest;
using Footfall.Projects;
using Footfall.Server.Hosting;
using Footfall.Storage;
using Microsoft.Extensions.Options;

namespace Footfall.Server.Http;

/// <summary>Projects (CONTRACT §2), the project's settings, its quarantine and its live counts.</summary>
public static class ProjectEndpoints
{
    /// <summary>Maps the admin API (admin token) and the project routes (secret key).</summary>
    public static void MapProjects(this IEndpointRouteBuilder app, RouteGroupBuilder v1)
    {
        app.MapPost("/v1/admin/projects", CreateAsync).WithTags("Admin").WithSummary("Create a project (admin token)");
        v1.MapGet("/project", (HttpContext context) =>
        {
            var p = SecretKeyFilter.ProjectOf(context);
            return Results.Ok(new { p.Id, p.Name, p.CreatedAt });
        }).WithTags("Projects").WithSummary("The project the secret key opens");
        v1.MapGet("/settings/actions", async (HttpContext context, ActionPolicies policies) =>
            Results.Ok(await policies.GetAsync(context.ProjectId(), context.RequestAborted))).WithTags("Settings");
        v1.MapPut("/settings/actions", SaveActionListsAsync).WithTags("Settings")
            .WithSummary("Set the project's action allow list and deny list (an empty allow list allows all)");
        v1.MapGet("/rejected", RejectedAsync).WithTags("Quarantine").WithSummary("Rejected events with their reasons, newest first");
        v1.MapGet("/stats/live", LiveAsync).WithTags("Stats").WithSummary("Events per minute by action");
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
            return Results.Json(new { project.Id, project.Name, secretKey = secret }, statusCode: StatusCodes.Status201Created);
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
            return Results.Ok(lists);
        }
    }

    private static async Task<IResult> RejectedAsync(HttpContext context, IQuarantine store)
    {
        var (limit, error) = PersonQuery.Number(context.Request, "limit", 50, 1, 1000);
        if (error is not null) return error;
        var rejected = await store.GetRejectedAsync(context.ProjectId(), limit, context.RequestAborted);
        return Results.Ok(new { rejected });
    }

    private static async Task<IResult> LiveAsync(HttpContext context, ILiveCounts store, TimeProvider clock)
    {
        var (minutes, error) = PersonQuery.Number(context.Request, "minutes", 60, 1, 24 * 60);
        if (error is not null) return error;
        var now = EventTime.Now(clock);
        var counts = await store.CountByMinuteAsync(context.ProjectId(), now.AddMinutes(-minutes), context.RequestAborted);
        var perMinute = counts.GroupBy(c => c.Minute).OrderBy(g => g.Key)
            .Select(g => new { minute = g.Key, counts = g.ToDictionary(c => c.Action, c => c.Count) });
        var top = counts.GroupBy(c => c.Action).Select(g => new { action = g.Key, count = g.Sum(c => c.Count) })
            .OrderByDescending(a => a.count).ThenBy(a => a.action).Take(10);
        return Results.Ok(new { minutes = perMinute, topActions = top, total = counts.Sum(c => c.Count) });
    }
}
