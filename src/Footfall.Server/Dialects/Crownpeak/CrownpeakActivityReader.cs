using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;

namespace Footfall.Server.Dialects.Crownpeak;

/// <summary>
/// Translates one Attraqt XO activity, exactly as <c>@attraqt/activity</c> 1.7.1 sends it:
/// <c>{action, target: {kind: id}, opposite?, sourceId?, metadata?, user: {identities, segments, traits}, timestamp?}</c>.
/// Every identity names the same person: <c>sessionId</c> (any letter case) is a guest id, the rest user ids.
/// </summary>
public static class CrownpeakActivityReader
{
    /// <summary>The candidate, and the links between the activity's identities.</summary>
    public static EventCandidate Read(JsonElement item, DateTime receivedAt, DialectBatch links)
    {
        if (item.ValueKind != JsonValueKind.Object)
            return EventCandidate.Invalid("an activity must be a JSON object", item);
        if (!DialectJson.TryReadString(item, "action", out var action, out var error)
            || !DialectJson.TryReadString(item, "sourceId", out var sourceId, out error)
            || !DialectJson.TryReadObject(item, "metadata", out var metadata, out error)
            || !DialectJson.TryReadObject(item, "user", out var user, out error))
            return EventCandidate.Invalid(error!, item);
        if (string.IsNullOrEmpty(action))
            return EventCandidate.Invalid("action is required", item);
        if (ReadTarget(item, out var target) is { } targetError)
            return EventCandidate.Invalid(targetError, item);
        var opposite = false;
        if (item.TryGetProperty("opposite", out var oppositeElement))
        {
            if (oppositeElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
                return EventCandidate.Invalid("opposite must be a boolean", item);
            opposite = oppositeElement.ValueKind == JsonValueKind.True;
        }
        if (ReadIdentities(user, out var guestId, out var userIds) is { } identityError)
            return EventCandidate.Invalid(identityError, item);
        if (ReadTime(item, receivedAt, out var time) is { } timeError)
            return EventCandidate.Invalid(timeError, item);
        AddLinks(guestId, userIds, links);
        var segments = user?.TryGetProperty("segments", out var s) == true && s.ValueKind == JsonValueKind.Array && s.GetArrayLength() > 0 ? s : (JsonElement?)null;
        var traits = user?.TryGetProperty("traits", out var t) == true && t.ValueKind == JsonValueKind.Object && t.EnumerateObject().Any() ? t : (JsonElement?)null;
        var trackedEvent = new TrackedEvent
        {
            Action = CrownpeakActionMap.Map(action, target, opposite),
            Time = time,
            ReceivedAt = receivedAt,
            UserId = userIds.FirstOrDefault(),
            GuestId = guestId,
            Target = target,
            SourceId = sourceId,
            ParamsJson = DialectJson.Params(metadata, ("opposite", opposite ? true : null), ("segments", segments), ("traits", traits)),
            Source = EventSources.Crownpeak,
        };
        return EventCandidate.Of(trackedEvent, item);
    }

    private static string? ReadTarget(JsonElement item, out Dictionary<string, string> target)
    {
        target = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!item.TryGetProperty("target", out var element) || element.ValueKind != JsonValueKind.Object)
            return "target is required and must be an object of kind -> id";
        // The SDK sends {kind: id}; Attraqt's REST examples also show {type, id}: both mean the same.
        if (element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            && element.TryGetProperty("id", out var id) && id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            target[type.GetString()!] = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();
            return null;
        }
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String: target[property.Name] = property.Value.GetString()!; break;
                case JsonValueKind.Number: target[property.Name] = property.Value.GetRawText(); break;
                default: return $"target.{property.Name} must be a string";
            }
        }
        return null;
    }

    private static string? ReadIdentities(JsonElement? user, out string? guestId, out List<string> userIds)
    {
        guestId = null;
        userIds = [];
        if (user is null || !user.Value.TryGetProperty("identities", out var identities) || identities.ValueKind != JsonValueKind.Object)
            return "user.identities is required (an object of identity name -> id)";
        foreach (var identity in identities.EnumerateObject())
        {
            if (identity.Value.ValueKind != JsonValueKind.String)
                return $"user.identities.{identity.Name} must be a string";
            var value = identity.Value.GetString()!;
            if (value.Length == 0)
                continue;
            // Checked here, not only by the validator, because the identities are linked even when the event is refused.
            if (value.Length > EventLimits.MaxIdLength)
                return $"user.identities.{identity.Name} must be at most {EventLimits.MaxIdLength} characters";
            if (identity.Name.Equals("sessionId", StringComparison.OrdinalIgnoreCase))
                guestId = value;
            else
                userIds.Add(value);
        }
        return guestId is null && userIds.Count == 0 ? "user.identities must name at least one identity" : null;
    }

    // Every identity links to the first user id (or the guest when there is none), which joins them all.
    private static void AddLinks(string? guestId, List<string> userIds, DialectBatch links)
    {
        if (userIds.Count == 0) return;
        var anchor = Identifier.User(userIds[0]);
        if (guestId is not null)
            links.Link(Identifier.Guest(guestId), anchor);
        foreach (var other in userIds.Skip(1).Where(u => u != userIds[0]))
            links.Link(Identifier.User(other), anchor);
    }

    private static string? ReadTime(JsonElement item, DateTime receivedAt, out DateTime time)
    {
        time = receivedAt;
        if (!item.TryGetProperty("timestamp", out var element) || element.ValueKind == JsonValueKind.Null)
            return null;
        // Attraqt's REST API also takes epoch milliseconds.
        if (!EventTime.TryParse(element, "timestamp", out var parsed, out var error))
            return error;
        time = EventTime.NotAfter(parsed, receivedAt);
        return null;
    }
}
