using System.Text.Json;
using Footfall.Recommendations;
using Footfall.Storage;

namespace Footfall.Server.Http;

/// <summary>People (CONTRACT §4): activity, profile, export and erasure. Secret key required.</summary>
public static class PeopleEndpoints
{
    /// <summary>Maps the routes onto the secured group.</summary>
    public static void MapPeople(this RouteGroupBuilder v1)
    {
        v1.MapGet("/people", FindAsync).WithTags("People").WithSummary("A person's identifiers, attributes and event summary");
        v1.MapGet("/people/activity", ActivityAsync).WithTags("People").WithSummary("A person's events, newest first");
        v1.MapGet("/people/export", ExportAsync).WithTags("People").WithSummary("Everything stored about a person");
        v1.MapDelete("/people", EraseAsync).WithTags("People").WithSummary("Erase every event and identifier of a person");
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
        var person = await store.FindPersonAsync(context.ProjectId(), who, context.RequestAborted);
        var erased = await store.ErasePersonAsync(context.ProjectId(), who, context.RequestAborted);
        // The models hold the person until they are taken out; erasure answers only once they are, without waiting on
        // (or failing with) a rebuild of the models from the store.
        var keys = (person?.Identifiers ?? []).Select(i => i.Key).Append(who.Key).ToHashSet(StringComparer.Ordinal);
        recommendations.ForgetPerson(context.ProjectId(), keys);
        return Results.Ok(new { erasedEvents = erased });
    }

    private static PersonView View(PersonRecord person) => new(
        person.Identifiers.Select(i => new IdentifierView(i.KindName, i.Value)).ToList(),
        person.AttributesJson.ToDictionary(a => a.Key, a => StoredJson.Parse(a.Value)),
        person.FirstSeen, person.LastSeen, person.EventCount);

    private sealed record PersonView(IReadOnlyList<IdentifierView> Identifiers, IReadOnlyDictionary<string, JsonElement> Attributes,
        DateTime? FirstSeen, DateTime? LastSeen, long EventCount);

    private sealed record IdentifierView(string Kind, string Id);
}
