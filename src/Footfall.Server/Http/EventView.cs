using System.Text.Json;
using Footfall.Events;
using Footfall.Storage;

namespace Footfall.Server.Http;

/// <summary>An event as the read API shows it (CONTRACT §4), plus the entry point it came by.</summary>
public sealed record EventView(
    DateTime Time, string Action, string? Label, IReadOnlyDictionary<string, string>? Target, JsonElement? Params,
    string? SourceId, string Source, string? UserId, string? GuestId, string? SessionId, string? Experience, string? Variant, string? Id)
{
    /// <summary>The view of a stored event.</summary>
    public static EventView Of(TrackedEvent e) => new(e.Time, e.Action, e.Label, e.Target,
        e.ParamsJson is null ? null : StoredJson.Parse(e.ParamsJson),
        e.SourceId, e.Source, e.UserId, e.GuestId, e.SessionId, e.Experience, e.Variant, e.Key);
}
