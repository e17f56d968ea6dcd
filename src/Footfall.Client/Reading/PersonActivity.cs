using System.Text.Json;
using System.Text.Json.Serialization;

namespace Footfall.Client;

/// <summary>An event as the read API shows it (CONTRACT §4).</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Action">The action name.</param>
/// <param name="Label">The label, if any.</param>
/// <param name="Target">kind -> id, if any.</param>
/// <param name="Params">The params object, if any.</param>
/// <param name="SourceId">The response that showed the target, if any.</param>
/// <param name="Id">The event's idempotency id, when the server reports it.</param>
public sealed record ActivityEvent(
    DateTimeOffset Time, string Action, string? Label, IReadOnlyDictionary<string, string>? Target, JsonElement? Params, string? SourceId, string? Id)
{
    /// <summary>The entry point it came by: <c>native</c> or a vendor dialect's name.</summary>
    public string? Source { get; init; }

    /// <summary>The user id it carried, if any.</summary>
    public string? UserId { get; init; }

    /// <summary>The guest id it carried, if any.</summary>
    public string? GuestId { get; init; }

    /// <summary>The session id it carried, if any.</summary>
    public string? SessionId { get; init; }

    /// <summary>For an impression, the experience's short uid.</summary>
    public string? Experience { get; init; }

    /// <summary>For an impression, the variant's short uid.</summary>
    public string? Variant { get; init; }
}

/// <summary>A page of a person's events (<c>GET /v1/people/activity</c>).</summary>
/// <param name="Events">Newest first.</param>
/// <param name="Next">Pass as <c>before</c> for the next, older page; null after the last page.</param>
public sealed record ActivityPage(IReadOnlyList<ActivityEvent> Events,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next);

/// <summary>An identifier of a person.</summary>
/// <param name="Kind">"user", "guest", or a vendor dialect's kind.</param>
/// <param name="Id">The identifier.</param>
public sealed record PersonIdentifier(string Kind, string Id);

/// <summary>Everything stored about a person (<c>GET /v1/people/export</c>).</summary>
/// <param name="Identifiers">Every id linked into the person.</param>
/// <param name="Attributes">Profile attributes.</param>
/// <param name="FirstSeen">The earliest event's time.</param>
/// <param name="LastSeen">The latest event's time.</param>
/// <param name="EventCount">How many events.</param>
/// <param name="Events">All events, newest first.</param>
public sealed record PersonExport(
    IReadOnlyList<PersonIdentifier> Identifiers, IReadOnlyDictionary<string, JsonElement>? Attributes,
    DateTimeOffset? FirstSeen, DateTimeOffset? LastSeen, long EventCount, IReadOnlyList<ActivityEvent> Events);

/// <summary>What an erasure did (<c>DELETE /v1/people</c>).</summary>
/// <param name="ErasedEvents">How many of the person's events were erased.</param>
public sealed record ErasureResult(long ErasedEvents);
