using System.Text.Json;
using Footfall.Identity;

namespace Footfall.Server.Dialects;

/// <summary>What a dialect knows about the request while it translates the body's items.</summary>
public sealed record DialectContext(HttpContext Http, string ProjectId, DialectPerson Person, DateTime ReceivedAt, JsonElement Body);

/// <summary>
/// The person a request names outside its body: a guest id, a user id, or both. Events carrying both link them, as
/// any event's pair is linked, under the link rule.
/// </summary>
public sealed record DialectPerson(string? GuestId, string? UserId)
{
    /// <summary>No person outside the body: each item names its own.</summary>
    public static readonly DialectPerson None = new(null, null);

    /// <summary>The identifiers named, for the quarantine: an item refused before translation is still erasable by them.</summary>
    public IReadOnlyList<Identifier> Identifiers =>
        [.. GuestId is null ? [] : new[] { Identifier.Guest(GuestId) }, .. UserId is null ? [] : new[] { Identifier.User(UserId) }];
}
