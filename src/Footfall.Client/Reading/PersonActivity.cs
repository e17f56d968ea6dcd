using System.Text.Json;

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
    DateTimeOffset Time, string Action, string? Label, IReadOnlyDictionary<string, string>? Target, JsonElement? Params, string? SourceId, string? Id);

/// <summary>A page of a person's events (<c>GET /v1/people/activity</c>).</summary>
/// <param name="Events">Newest first.</param>
/// <param name="Next">Pass as <c>before</c> for the next, older page; null after the last page.</param>
public sealed record ActivityPage(IReadOnlyList<ActivityEvent> Events, string? Next);

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
