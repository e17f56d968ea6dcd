using System.Text.Json;
using Footfall.Events;
using Footfall.Experiences;
using Footfall.Identity;
using Footfall.Ingest;
using Footfall.Projects;
using Footfall.Server.Http;
using Footfall.Storage;

namespace Footfall.Server.Dialects.Personalize;

/// <summary>
/// Contentstack Personalize's Edge API (CONTRACT §6) under <c>/personalize</c>, so the real
/// <c>@contentstack/personalize-edge-sdk</c> works after <c>Personalize.setEdgeApiUrl(".../personalize")</c>.
/// </summary>
public static class PersonalizeDialect
{
    /// <summary>The header carrying the Personalize user uid, both ways.</summary>
    public const string UserUidHeader = "X-CS-Personalize-User-Uid";

    /// <summary>The header naming the project.</summary>
    public const string ProjectUidHeader = "X-Project-Uid";

    /// <summary>The error code the SDK recognises on a 404 from <c>/manifest</c>.</summary>
    public const string ProjectNotFound = "personalize.MANIFEST.PROJECT_NOT_FOUND";

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/personalize").WithTags("Dialect: Contentstack Personalize");
        group.MapGet("/manifest", ManifestAsync).WithSummary("The user's active variants (sticky, weighted)")
            .Produces<Manifest>().Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status404NotFound);
        group.MapDialect("POST", "/events", new PersonalizeEvents()).WithSummary("Impressions and events").Produces<IngestResult>();
        group.MapDialect("PATCH", "/user-attributes", new PersonalizeAttributes()).WithSummary("Set attributes on the user")
            .Produces<PersonalizeAttributes.AttributesUpdated>();
        group.MapDialect("POST", "/user-attributes/actions/merge", new PersonalizeMerge())
            .WithSummary("Link two user uids under the link rule (an anonymous uid into a user); the source's attributes win")
            .Produces<PersonalizeMerge.MergeAnswer>().Produces<ApiError>(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> ManifestAsync(HttpContext context, ProjectDirectory projects, IProjectCatalog store)
    {
        // The uid header goes on every answer, errors included, so a client always leaves with a uid.
        // A minted uid is anonymous (AnonymousUid): the visitor's sign-in may merge it into the real user.
        var sent = UserUid(context.Request);
        var sentError = sent is null ? null : UidError(sent);
        var userUid = sent is not null && sentError is null ? sent : AnonymousUid.Mint();
        context.Response.Headers[UserUidHeader] = userUid;
        if (sentError is not null)
            return ApiError.BadRequest(sentError);
        var projectId = context.Request.Headers[ProjectUidHeader].ToString();
        if (projectId.Length == 0)
            return ApiError.BadRequest($"the {ProjectUidHeader} header is required");
        if (await projects.FindAsync(projectId, context.RequestAborted) is not { } project)
            return ApiError.NotFound(ProjectNotFound);
        if (LiveAttributesError(context) is { } liveError)
            return ApiError.BadRequest(liveError);
        var tags = context.Request.Query["tags[]"].Concat(context.Request.Query["tags"]).Where(t => !string.IsNullOrEmpty(t)).ToHashSet(StringComparer.Ordinal);
        var experiences = (await store.ListExperiencesAsync(project.Id, context.RequestAborted))
            .Where(e => tags.Count == 0 || e.Tags.Any(tags.Contains))
            .Select(e => new ManifestExperience(e.ShortUid, VariantAssignment.Assign(project.Id, e, userUid)))
            .ToList();
        var activeVariants = experiences.ToDictionary(e => e.ShortUid, e => e.ActiveVariantShortUid, StringComparer.Ordinal);
        return TypedResults.Ok(new Manifest(activeVariants, experiences));
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

    /// <summary>The project named by <see cref="ProjectUidHeader"/>, as each route finds it.</summary>
    internal static (string? Id, string Where) FindProject(HttpRequest request) =>
        (request.Headers[ProjectUidHeader].ToString(), $"{ProjectUidHeader} header");

    /// <summary>
    /// The user uid every route but the merge requires; it is echoed on the answer, as Personalize does.
    /// </summary>
    internal static string? FindUser(HttpRequest request, out DialectPerson person)
    {
        person = DialectPerson.None;
        var userUid = UserUid(request);
        if (userUid is null)
            return $"the {UserUidHeader} header is required (the uid /manifest answered with)";
        if (UidError(userUid) is { } uidError)
            return uidError;
        request.HttpContext.Response.Headers[UserUidHeader] = userUid;
        person = new DialectPerson(null, userUid);
        return null;
    }

    // The uid is echoed in a response header, which carries printable ASCII only.
    private static string? UidError(string uid) =>
        uid.Length > EventLimits.MaxIdLength ? $"{UserUidHeader} must be at most {EventLimits.MaxIdLength} characters"
        : TextRule.Check(UserUidHeader, uid) ?? (uid.All(c => c is >= ' ' and <= '~') ? null : $"{UserUidHeader} must be printable ASCII");

    // The SDK sends the header even before it has a uid, as the strings "null" or "undefined".
    private static string? UserUid(HttpRequest request) =>
        request.Headers[UserUidHeader].ToString() is { Length: > 0 } uid && uid is not ("null" or "undefined") ? uid : null;

    private sealed record Manifest(IReadOnlyDictionary<string, string?> ActiveVariants, IReadOnlyList<ManifestExperience> Experiences);

    private sealed record ManifestExperience(string ShortUid, string? ActiveVariantShortUid);
}
