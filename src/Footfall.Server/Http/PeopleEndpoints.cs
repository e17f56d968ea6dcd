using System.IO.Pipelines;
using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;
using Footfall.Recommendations;
using Footfall.Server.Dialects;
using Footfall.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wire = Footfall.Client;

namespace Footfall.Server.Http;

/// <summary>People (CONTRACT §4): activity, profile, export, erasure and merge. Secret key required.</summary>
public static class PeopleEndpoints
{
    /// <summary>Maps the routes onto the secured group.</summary>
    public static void MapPeople(this RouteGroupBuilder v1)
    {
        v1.MapGet("/people", FindAsync).WithTags("People").WithSummary("A person's identifiers, attributes and event summary")
            .Produces<PersonAnswer>().Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status404NotFound);
        v1.MapGet("/people/activity", ActivityAsync).WithTags("People")
            .WithSummary("A person's events, newest first; pass the answer's next as before= for the following page")
            .Produces<Wire.ActivityPage>().Produces<ApiError>(StatusCodes.Status400BadRequest);
        v1.MapGet("/people/export", ExportAsync).WithTags("People").WithSummary("Everything stored about a person, every event included")
            .Produces<Wire.PersonExport>().Produces<ApiError>(StatusCodes.Status404NotFound);
        v1.MapDelete("/people", EraseAsync).WithTags("People").WithSummary("Erase every event and identifier of a person")
            .Produces<Wire.ErasureResult>().Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status503ServiceUnavailable)
            .WithMetadata(AppliedFirst.Instance);
        v1.MapPost("/people/merge", MergeAsync).WithTags("People")
            .WithSummary("Merge the person of one user id into the person of another: the one way two identified persons become one")
            .Accepts<MergeBody>("application/json").Produces<MergeResult>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> FindAsync([AsParameters] PersonParameters query, HttpContext context, IPeopleStore store)
    {
        var (who, error) = PersonQuery.Read(query.UserId, query.GuestId);
        if (error is not null) return error;
        var person = await store.FindPersonAsync(context.ProjectId(), who, context.RequestAborted);
        return person is null ? ApiError.NotFound($"no person with {who.KindName} id '{who.Value}'") : TypedResults.Ok(new PersonAnswer(View(person)));
    }

    private static async Task<IResult> ActivityAsync([AsParameters] ActivityQuery query, HttpContext context, IPeopleStore store)
    {
        var (who, error) = PersonQuery.Read(query.UserId, query.GuestId);
        if (error is not null) return error;
        var (limit, limitError) = PersonQuery.Number(query.Limit, "limit", 50, 1, MaxPage);
        if (limitError is not null) return limitError;
        ActivityCursor? before = null;
        if (!string.IsNullOrEmpty(query.Before))
        {
            if (!ActivityCursor.TryDecode(query.Before, out var cursor))
                return ApiError.BadRequest("before must be the next cursor of an earlier activity answer");
            before = cursor;
        }
        var page = await store.GetActivityAsync(context.ProjectId(), who, limit, before, context.RequestAborted);
        return TypedResults.Ok(new Wire.ActivityPage(page.Events.Select(WireRecords.Event).ToList(), page.Next?.Encode()));
    }

    // Streamed page by page, so a person with millions of events costs one page of memory, not all of them.
    private static async Task<IResult> ExportAsync([AsParameters] PersonParameters query, HttpContext context, IPeopleStore store,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        var (who, error) = PersonQuery.Read(query.UserId, query.GuestId);
        if (error is not null) return error;
        var projectId = context.ProjectId();
        var person = await store.FindPersonAsync(projectId, who, context.RequestAborted);
        if (person is null) return ApiError.NotFound($"no person with {who.KindName} id '{who.Value}'");
        var view = View(person);
        var options = json.Value.SerializerOptions;
        return TypedResults.Stream(async body =>
        {
            // Through a pipe: the serializer flushes its writer synchronously, which only moves bytes into the pipe.
            var pipe = PipeWriter.Create(body);
            await using var writer = new Utf8JsonWriter(pipe);
            writer.WriteStartObject();
            foreach (var (name, value) in new (string, object?)[]
                     {
                         ("identifiers", view.Identifiers), ("attributes", view.Attributes), ("firstSeen", view.FirstSeen),
                         ("lastSeen", view.LastSeen), ("eventCount", view.EventCount),
                     })
            {
                writer.WritePropertyName(name);
                JsonSerializer.Serialize(writer, value, options);
            }
            writer.WriteStartArray("events");
            ActivityCursor? next = null;
            do
            {
                var page = await store.GetActivityAsync(projectId, who, MaxPage, next, context.RequestAborted);
                foreach (var e in page.Events)
                    JsonSerializer.Serialize(writer, WireRecords.Event(e), options);
                writer.Flush();
                await pipe.FlushAsync(context.RequestAborted);
                next = page.Next;
            }
            while (next is not null);
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
            await pipe.CompleteAsync();
        }, "application/json", $"footfall-person-{who.KindName}.json");
    }

    private static async Task<IResult> EraseAsync([AsParameters] PersonParameters query, HttpContext context, IPeopleStore store,
        RecommendationModels recommendations)
    {
        var (who, error) = PersonQuery.Read(query.UserId, query.GuestId);
        if (error is not null) return error;
        // Erasure answers only once the models no longer serve the person (they hide what the person touched), without
        // waiting on (or failing with) a refresh or the recount of what they touched, which runs behind the answer.
        var erased = await recommendations.ForgetPersonAsync(context.ProjectId(), who,
            () => store.ErasePersonAsync(context.ProjectId(), who, context.RequestAborted), context.RequestAborted);
        return TypedResults.Ok(new Wire.ErasureResult(erased));
    }

    private static async Task<IResult> MergeAsync(HttpContext context, IPeopleStore store, IngestPipeline pipeline)
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
            return TypedResults.Ok(new MergeResult(true, View(person!)));
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
        person.Identifiers.Select(WireRecords.Identifier).ToList(),
        person.AttributesJson.ToDictionary(a => a.Key, a => StoredJson.Parse(a.Value)),
        person.FirstSeen, person.LastSeen, person.EventCount);

    private const int MaxPage = 1000;

    // Descriptions stay out of these records: [Description] on an [AsParameters] parameter throws in the OpenAPI generator.
    private sealed record PersonParameters(
        [FromQuery(Name = "userId")] string? UserId,
        [FromQuery(Name = "guestId")] string? GuestId);

    /// <param name="Limit">Events per page, 1-1000 (default 50).</param>
    /// <param name="Before">The previous page's next cursor; absent for the newest events.</param>
    private sealed record ActivityQuery(
        [FromQuery(Name = "userId")] string? UserId,
        [FromQuery(Name = "guestId")] string? GuestId,
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "before")] string? Before);

    /// <summary>The answer of <c>GET /v1/people</c>.</summary>
    private sealed record PersonAnswer(PersonView Person);

    private sealed record PersonView(IReadOnlyList<Wire.PersonIdentifier> Identifiers, IReadOnlyDictionary<string, JsonElement> Attributes,
        DateTime? FirstSeen, DateTime? LastSeen, long EventCount);
}
