using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;
using Footfall.Recommendations;
using Footfall.Server.Dialects;
using Footfall.Storage;

namespace Footfall.Server.Http;

/// <summary>People (CONTRACT §4): activity, profile, export, erasure and merge. Secret key required.</summary>
public static class PeopleEndpoints
{
    /// <summary>Maps the routes onto the secured group.</summary>
    public static void MapPeople(this RouteGroupBuilder v1)
    {
        v1.MapGet("/people", FindAsync).WithTags("People").WithSummary("A person's identifiers, attributes and event summary");
        v1.MapGet("/people/activity", ActivityAsync).WithTags("People").WithSummary("A person's events, newest first");
        v1.MapGet("/people/export", ExportAsync).WithTags("People").WithSummary("Everything stored about a person");
        v1.MapDelete("/people", EraseAsync).WithTags("People").WithSummary("Erase every event and identifier of a person");
        v1.MapPost("/people/merge", MergeAsync).WithTags("People")
            .WithSummary("Merge the person of one user id into the person of another: the one way two identified persons become one")
            .Accepts<MergeBody>("application/json").Produces<MergeResult>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> FindAsync(HttpContext context, IEventStore store)
    {
        var (who, error) = PersonQuery.Read(context.Request);
        if (error is not null) return error;
        var person = await store.FindPersonAsync(context.ProjectId(), who, context.RequestAborted);
        return person is null ? ApiError.NotFound($"no person with {who.KindName} id '{who.Value}'") : Results.Ok(new { person = View(person) });
    }

    private static async Task<IResult> ActivityAsync(HttpContext context, IEventStore store)
    {
        var (who, error) = PersonQuery.Read(context.Request);
        if (error is not null) return error;
        var (limit, limitError) = PersonQuery.Int(context.Request, "limit", 50, 1, 1000);
        if (limitError is not null) return limitError;
        var events = await store.GetActivityAsync(context.ProjectId(), who, limit, context.RequestAborted);
        return Results.Ok(new { events = events.Select(EventView.Of) });
    }

    private static async Task<IResult> ExportAsync(HttpContext context, IEventStore store)
    {
        var (who, error) = PersonQuery.Read(context.Request);
        if (error is not null) return error;
        var person = await store.FindPersonAsync(context.ProjectId(), who, context.RequestAborted);
        if (person is null) return ApiError.NotFound($"no person with {who.KindName} id '{who.Value}'");
        var events = await store.GetActivityAsync(context.ProjectId(), who, int.MaxValue, context.RequestAborted);
        var view = View(person);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"footfall-person-{who.KindName}.json\"";
        return Results.Ok(new { view.Identifiers, view.Attributes, view.FirstSeen, view.LastSeen, view.EventCount, events = events.Select(EventView.Of) });
    }

    private static async Task<IResult> EraseAsync(HttpContext context, IEventStore store, RecommendationModels recommendations)
    {
        var (who, error) = PersonQuery.Read(context.Request);
        if (error is not null) return error;
        var erased = await store.ErasePersonAsync(context.ProjectId(), who, context.RequestAborted);
        // The person is in every recommendation model until it is rebuilt; erasure answers only once they are gone.
        await recommendations.RefreshAsync(context.ProjectId(), context.RequestAborted);
        return Results.Ok(new { erasedEvents = erased });
    }

    private static async Task<IResult> MergeAsync(HttpContext context, IEventStore store, IngestPipeline pipeline)
    {
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, 16 * 1024);
        if (bodyError is not null) return bodyError;
        string? userId, intoUserId;
        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return ApiError.BadRequest("body must be {\"userId\": \"...\", \"intoUserId\": \"...\"}");
            if (UserIdField(root, "userId", out userId) is { } userError)
                return ApiError.BadRequest(userError);
            if (UserIdField(root, "intoUserId", out intoUserId) is { } intoError)
                return ApiError.BadRequest(intoError);
        }
        if (userId == intoUserId)
            return ApiError.BadRequest("userId and intoUserId must differ");
        var projectId = context.ProjectId();
        Identifier from = Identifier.User(userId!), into = Identifier.User(intoUserId!);
        foreach (var who in new[] { from, into })
        {
            if (await store.FindPersonAsync(projectId, who, context.RequestAborted) is null)
                return ApiError.NotFound($"no person with user id '{who.Value}'");
        }
        return await IngestProject.RunAsync(context, async () =>
        {
            await pipeline.LinkAsync(projectId, EventSources.Native, [IdentityLink.Merge(from, into)], context.RequestAborted);
            var person = await store.FindPersonAsync(projectId, into, context.RequestAborted);
            return Results.Ok(new MergeResult(true, View(person!)));
        });
    }

    private static string? UserIdField(JsonElement root, string name, out string? value)
    {
        if (!DialectJson.TryReadString(root, name, out value, out var error))
            return error;
        if (string.IsNullOrEmpty(value))
            return $"{name} is required";
        return value.Length > EventLimits.MaxIdLength ? $"{name} must be at most {EventLimits.MaxIdLength} characters" : null;
    }

    /// <summary>The body of <c>POST /v1/people/merge</c>.</summary>
    /// <param name="UserId">The user id whose person is merged.</param>
    /// <param name="IntoUserId">The user id whose person receives it.</param>
    public sealed record MergeBody(string UserId, string IntoUserId);

    /// <summary>The answer of <c>POST /v1/people/merge</c>: the person both user ids now belong to.</summary>
    private sealed record MergeResult(bool Merged, PersonView Person);

    private static PersonView View(PersonRecord person) => new(
        person.Identifiers.Select(i => new IdentifierView(i.KindName, i.Value)).ToList(),
        person.AttributesJson.ToDictionary(a => a.Key, a => StoredJson.Parse(a.Value)),
        person.FirstSeen, person.LastSeen, person.EventCount);

    private sealed record PersonView(IReadOnlyList<IdentifierView> Identifiers, IReadOnlyDictionary<string, JsonElement> Attributes,
        DateTime? FirstSeen, DateTime? LastSeen, long EventCount);

    private sealed record IdentifierView(string Kind, string Id);
}
