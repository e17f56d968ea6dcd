using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization;
using Footfall.Recommendations;
using Footfall.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Footfall.Server.Http;

/// <summary>People (CONTRACT §4): activity, profile, export and erasure. Secret key required.</summary>
public static class PeopleEndpoints
{
    /// <summary>Maps the routes onto the secured group.</summary>
    public static void MapPeople(this RouteGroupBuilder v1)
    {
        v1.MapGet("/people", FindAsync).WithTags("People").WithSummary("A person's identifiers, attributes and event summary");
        v1.MapGet("/people/activity", ActivityAsync).WithTags("People")
            .WithSummary("A person's events, newest first; pass the answer's next as before= for the following page")
            .Produces<ActivityAnswer>().Produces<ApiError>(StatusCodes.Status400BadRequest);
        v1.MapGet("/people/export", ExportAsync).WithTags("People").WithSummary("Everything stored about a person, every event included")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").Produces<ApiError>(StatusCodes.Status404NotFound);
        v1.MapDelete("/people", EraseAsync).WithTags("People").WithSummary("Erase every event and identifier of a person");
    }

    private static async Task<IResult> FindAsync(HttpContext context, IEventStore store)
    {
        var (who, error) = PersonQuery.Read(context.Request);
        if (error is not null) return error;
        var person = await store.FindPersonAsync(context.ProjectId(), who, context.RequestAborted);
        return person is null ? ApiError.NotFound($"no person with {who.KindName} id '{who.Value}'") : Results.Ok(new { person = View(person) });
    }

    private static async Task<IResult> ActivityAsync([AsParameters] ActivityQuery query, HttpContext context, IEventStore store)
    {
        var (who, error) = PersonQuery.Read(query.UserId, query.GuestId);
        if (error is not null) return error;
        var (limit, limitError) = PersonQuery.Int(query.Limit, "limit", 50, 1, MaxPage);
        if (limitError is not null) return limitError;
        ActivityCursor? before = null;
        if (!string.IsNullOrEmpty(query.Before))
        {
            if (!ActivityCursor.TryDecode(query.Before, out var cursor))
                return ApiError.BadRequest("before must be the next cursor of an earlier activity answer");
            before = cursor;
        }
        var page = await store.GetActivityAsync(context.ProjectId(), who, limit, before, context.RequestAborted);
        return TypedResults.Ok(new ActivityAnswer(page.Events.Select(EventView.Of).ToList(), page.Next?.Encode()));
    }

    // Streamed page by page, so a person with millions of events costs one page of memory, not all of them.
    private static async Task<IResult> ExportAsync([AsParameters] PersonParameters query, HttpContext context, IEventStore store,
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
                    JsonSerializer.Serialize(writer, EventView.Of(e), options);
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

    private static async Task<IResult> EraseAsync(HttpContext context, IEventStore store, RecommendationModels recommendations)
    {
        var (who, error) = PersonQuery.Read(context.Request);
        if (error is not null) return error;
        var erased = await store.ErasePersonAsync(context.ProjectId(), who, context.RequestAborted);
        // The person is in every recommendation model until it is rebuilt; erasure answers only once they are gone.
        await recommendations.RefreshAsync(context.ProjectId(), context.RequestAborted);
        return Results.Ok(new { erasedEvents = erased });
    }

    private static PersonView View(PersonRecord person) => new(
        person.Identifiers.Select(i => new IdentifierView(i.KindName, i.Value)).ToList(),
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

    /// <summary>A page of activity: its events, newest first, and the cursor of the next page (absent after the last).</summary>
    private sealed record ActivityAnswer(IReadOnlyList<EventView> Events,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next);

    private sealed record PersonView(IReadOnlyList<IdentifierView> Identifiers, IReadOnlyDictionary<string, JsonElement> Attributes,
        DateTime? FirstSeen, DateTime? LastSeen, long EventCount);

    private sealed record IdentifierView(string Kind, string Id);
}
