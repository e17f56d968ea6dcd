using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;
using Footfall.Projects;
using Footfall.Server.Dialects.Personalize;
using Footfall.Server.Http;
using Footfall.Storage;

namespace Footfall.Server.Dialects;

/// <summary>
/// Contentstack Personalize's Edge API (CONTRACT §6) under <c>/personalize</c>, so the real
/// <c>@contentstack/personalize-edge-sdk</c> works after <c>Personalize.setEdgeApiUrl(".../personalize")</c>.
/// </summary>
public static class PersonalizeEndpoints
{
    /// <summary>The header carrying the Personalize user uid, both ways.</summary>
    public const string UserUidHeader = "X-CS-Personalize-User-Uid";

    /// <summary>The header naming the project.</summary>
    public const string ProjectUidHeader = "X-Project-Uid";

    /// <summary>The error code the SDK recognises on a 404 from <c>/manifest</c>.</summary>
    public const string ProjectNotFound = "personalize.MANIFEST.PROJECT_NOT_FOUND";

    /// <summary>Maps the routes.</summary>
    public static void MapPersonalize(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/personalize").WithTags("Dialect: Contentstack Personalize");
        group.MapGet("/manifest", ManifestAsync).WithSummary("The user's active variants (sticky, weighted)");
        group.MapPost("/events", EventsAsync).WithSummary("Impressions and events");
        group.MapPatch("/user-attributes", SetAttributesAsync).WithSummary("Set attributes on the user");
        group.MapPost("/user-attributes/actions/merge", MergeAsync)
            .WithSummary("Link two user uids under the link rule (an anonymous uid into a user); the source's attributes win");
    }

    private static async Task<IResult> ManifestAsync(HttpContext context, ProjectDirectory projects, IEventStore store)
    {
        // The uid header goes on every answer, errors included, so a client always leaves with a uid.
        // A minted uid is anonymous (AnonymousUid): the visitor's sign-in may merge it into the real user.
        var sent = UserUid(context);
        var sentError = sent is null ? null : UidError(sent);
        var userUid = sent is not null && sentError is null ? sent : AnonymousUid.Mint();
        context.Response.Headers[UserUidHeader] = userUid;
        if (sentError is not null)
            return ApiError.BadRequest(sentError);
        var projectId = context.Request.Headers[ProjectUidHeader].ToString();
        if (projectId.Length == 0)
            return ApiError.BadRequest($"the {ProjectUidHeader} header is required");
        if (await projects.FindAsync(projectId, context.RequestAborted) is not { } project)
            return Results.Json(new ApiError(ProjectNotFound), statusCode: StatusCodes.Status404NotFound);
        if (LiveAttributesError(context) is { } liveError)
            return ApiError.BadRequest(liveError);
        var tags = context.Request.Query["tags[]"].Concat(context.Request.Query["tags"]).Where(t => !string.IsNullOrEmpty(t)).ToHashSet(StringComparer.Ordinal);
        var experiences = (await store.ListExperiencesAsync(project.Id, context.RequestAborted))
            .Where(e => tags.Count == 0 || e.Tags.Any(tags.Contains))
            .Select(e => new ManifestExperience(e.ShortUid, VariantAssignment.Assign(project.Id, e, userUid)))
            .ToList();
        var activeVariants = experiences.ToDictionary(e => e.ShortUid, e => e.ActiveVariantShortUid, StringComparer.Ordinal);
        return Results.Ok(new Manifest(activeVariants, experiences));
    }

    // Footfall has no audiences to match live attributes against; they are accepted, and checked so a
    // malformed header is reported rather than silently ignored.
    private static string? LiveAttributesError(HttpContext context)
    {
        var live = context.Request.Headers["X-Live-Attributes"].ToString();
        if (live.Length == 0)
            return null;
        try
        {
            using var document = JsonDocument.Parse(live);
            return document.RootElement.ValueKind == JsonValueKind.Object ? null : "X-Live-Attributes must be a JSON object";
        }
        catch (JsonException)
        {
            return "X-Live-Attributes is not valid JSON";
        }
    }

    private static async Task<IResult> EventsAsync(HttpContext context, ProjectDirectory projects, IngestPipeline pipeline, TimeProvider clock)
    {
        var (project, userUid, error) = await ResolveUserAsync(context, projects);
        if (error is not null) return error;
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, EventLimits.MaxBodyBytes, textCheckedPerEvent: true);
        if (bodyError is not null) return bodyError;
        using (document)
        {
            var root = document!.RootElement;
            var (items, batchError) = JsonBody.Batch(root, "events ({\"type\": \"IMPRESSION\"|\"EVENT\", ...})");
            if (batchError is not null) return batchError;
            var receivedAt = EventTime.Now(clock);
            var candidates = items!.Select(item => EventCandidate.FromJson(item, raw => PersonalizeEventReader.Read(raw, userUid!, receivedAt))).ToList();
            return await IngestProject.CommitAsync(context, pipeline, project!.Id, EventSources.Personalize, candidates);
        }
    }

    private static async Task<IResult> SetAttributesAsync(HttpContext context, ProjectDirectory projects, IEventStore store)
    {
        var (project, userUid, error) = await ResolveUserAsync(context, projects);
        if (error is not null) return error;
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, 64 * 1024);
        if (bodyError is not null) return bodyError;
        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return ApiError.BadRequest("body must be a JSON object of attribute name -> value");
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name.Length is 0 or > 128)
                    return ApiError.BadRequest("attribute names must be 1-128 characters");
                attributes[property.Name] = property.Value.GetRawText();
            }
            return await IngestProject.RunAsync(context, async () =>
            {
                if (attributes.Count > 0)
                    await store.SetAttributesAsync(project!.Id, Identifier.User(userUid!), attributes, context.RequestAborted);
                return Results.Ok(new { updated = attributes.Count });
            });
        }
    }

    private static async Task<IResult> MergeAsync(HttpContext context, ProjectDirectory projects, IngestPipeline pipeline, IEventStore store)
    {
        var (project, error) = await ResolveProjectAsync(context, projects);
        if (error is not null) return error;
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, 16 * 1024);
        if (bodyError is not null) return bodyError;
        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return ApiError.BadRequest("body must be {\"sourceUserUid\": \"...\", \"targetUserUid\": \"...\"}");
            if (Uid(root, "sourceUserUid", out var sourceUid) is { } sourceError) return ApiError.BadRequest(sourceError);
            if (Uid(root, "targetUserUid", out var targetUid) is { } targetError) return ApiError.BadRequest(targetError);
            var source = Identifier.User(sourceUid!);
            var target = Identifier.User(targetUid!);
            return await IngestProject.RunAsync(context, async () =>
            {
                // Personalize documents that the anonymous source's attributes win: the store keeps the latest
                // value, so the source's are written again after the link, which makes them the latest.
                var sourceAttributes = (await store.FindPersonAsync(project!.Id, source, context.RequestAborted))?.AttributesJson;
                if (source != target && !await pipeline.LinkAsync(project.Id, EventSources.Personalize, [new IdentityLink(source, target)], context.RequestAborted))
                    return ApiError.Conflict(LinkRule.RefusedReason);
                if (sourceAttributes is { Count: > 0 })
                    await store.SetAttributesAsync(project.Id, source, sourceAttributes, context.RequestAborted);
                return Results.Ok(new { merged = true });
            });
        }
    }

    private static string? Uid(JsonElement root, string name, out string? value)
    {
        if (!DialectJson.TryReadString(root, name, out value, out var error))
            return error;
        if (string.IsNullOrEmpty(value))
            return $"{name} is required";
        return value.Length > EventLimits.MaxIdLength ? $"{name} must be at most {EventLimits.MaxIdLength} characters" : TextRule.Check(name, value);
    }

    private static async Task<(Project? Project, IResult? Error)> ResolveProjectAsync(HttpContext context, ProjectDirectory projects) =>
        await IngestProject.ResolveAsync(context.Request.Headers[ProjectUidHeader].ToString(), $"{ProjectUidHeader} header", context, projects);

    private static async Task<(Project? Project, string? UserUid, IResult? Error)> ResolveUserAsync(HttpContext context, ProjectDirectory projects)
    {
        var (project, error) = await ResolveProjectAsync(context, projects);
        if (error is not null) return (null, null, error);
        var userUid = UserUid(context);
        if (userUid is null)
            return (null, null, ApiError.BadRequest($"the {UserUidHeader} header is required (the uid /manifest answered with)"));
        if (UidError(userUid) is { } uidError)
            return (null, null, ApiError.BadRequest(uidError));
        context.Response.Headers[UserUidHeader] = userUid;
        return (project, userUid, null);
    }

    // The uid is echoed in a response header, which carries printable ASCII only.
    private static string? UidError(string uid) =>
        uid.Length > EventLimits.MaxIdLength ? $"{UserUidHeader} must be at most {EventLimits.MaxIdLength} characters"
        : TextRule.Check(UserUidHeader, uid) ?? (uid.All(c => c is >= ' ' and <= '~') ? null : $"{UserUidHeader} must be printable ASCII");

    // The SDK sends the header even before it has a uid, as the strings "null" or "undefined".
    private static string? UserUid(HttpContext context) =>
        context.Request.Headers[UserUidHeader].ToString() is { Length: > 0 } uid && uid is not ("null" or "undefined") ? uid : null;

    private sealed record Manifest(IReadOnlyDictionary<string, string?> ActiveVariants, IReadOnlyList<ManifestExperience> Experiences);

    private sealed record ManifestExperience(string ShortUid, string? ActiveVariantShortUid);
}
