using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;

namespace Footfall.Server.Dialects.Synerise;

/// <summary>
/// Translates one Synerise custom event <c>{action, label, client: {uuid|customId|email|id}, params?, time?}</c>.
/// <c>client.uuid</c> is a guest id; <c>customId</c>, <c>email</c> and <c>id</c> are user ids of the same person.
/// </summary>
public static class SyneriseEventReader
{
    /// <summary>The longest action name Synerise allows.</summary>
    public const int MaxActionLength = 32;

    /// <summary>The candidate, adding the links between the client's identifiers to <paramref name="links"/>.</summary>
    public static EventCandidate Read(JsonElement item, DateTime receivedAt, DialectBatch links)
    {
        if (item.ValueKind != JsonValueKind.Object)
            return EventCandidate.Invalid("an event must be a JSON object", item);
        if (!DialectJson.TryReadString(item, "action", out var action, out var error)
            || !DialectJson.TryReadString(item, "label", out var label, out error)
            || !DialectJson.TryReadObject(item, "params", out var parameters, out error)
            || !DialectJson.TryReadObject(item, "client", out var client, out error))
            return EventCandidate.Invalid(error!, item);
        if (ActionError(action) is { } actionError)
            return EventCandidate.Invalid(actionError, item);
        if (string.IsNullOrWhiteSpace(label))
            return EventCandidate.Invalid("label is required and must not be empty", item);
        if (client is null)
            return EventCandidate.Invalid("client is required: {\"uuid\"|\"customId\"|\"email\"|\"id\"}", item);
        if (!DialectJson.TryReadString(client.Value, "uuid", out var uuid, out error)
            || !DialectJson.TryReadId(client.Value, "customId", out var customId, out error)
            || !DialectJson.TryReadString(client.Value, "email", out var email, out error)
            || !DialectJson.TryReadId(client.Value, "id", out var id, out error))
            return EventCandidate.Invalid("client." + error, item);
        var userIds = new[] { customId, email, id }.Where(u => !string.IsNullOrEmpty(u)).Select(u => u!).Distinct().ToList();
        var guestId = string.IsNullOrEmpty(uuid) ? null : uuid;
        if (guestId is null && userIds.Count == 0)
            return EventCandidate.Invalid("client must carry uuid, customId, email or id", item);
        // Checked here, not only by the validator, because the identifiers are linked even when the event is refused.
        if (userIds.Append(guestId).Any(i => i is { Length: > EventLimits.MaxIdLength }))
            return EventCandidate.Invalid($"client ids must be at most {EventLimits.MaxIdLength} characters", item);
        if (TimeError(item, receivedAt, out var time, out var originalTime) is { } timeError)
            return EventCandidate.Invalid(timeError, item);
        if (userIds.Count > 0)
        {
            var anchor = Identifier.User(userIds[0]);
            if (guestId is not null) links.Link(Identifier.Guest(guestId), anchor);
            foreach (var other in userIds.Skip(1))
                links.Link(Identifier.User(other), anchor);
        }
        return EventCandidate.Of(new TrackedEvent
        {
            Action = action!,
            Label = label,
            Time = time,
            ReceivedAt = receivedAt,
            UserId = userIds.FirstOrDefault(),
            GuestId = guestId,
            ParamsJson = DialectJson.Params(parameters, ("originalTime", originalTime)),
            Source = EventSources.Synerise,
        }, item);
    }

    /// <summary>Synerise's rule: <c>context.action</c>, 2-32 characters of letters, digits, '.', '_' and '-'.</summary>
    public static string? ActionError(string? action)
    {
        if (string.IsNullOrEmpty(action))
            return "action is required";
        var valid = action.Length is >= 2 and <= MaxActionLength
            && action.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            && action.IndexOf('.') is > 0 && action[^1] != '.';
        return valid ? null
            : $"action '{(action.Length > 40 ? action[..40] + "..." : action)}' must follow context.action: 2-32 characters of letters, digits, '.', '_' or '-', e.g. product.buy";
    }

    // Synerise replaces a time in the future by the time it received the event; the client's value is kept.
    private static string? TimeError(JsonElement item, DateTime receivedAt, out DateTime time, out string? originalTime)
    {
        time = receivedAt;
        originalTime = null;
        if (!item.TryGetProperty("time", out var element) || element.ValueKind == JsonValueKind.Null)
            return null;
        if (!EventTime.TryParse(element, "time", out var parsed, out var error))
            return error;
        if (parsed > receivedAt)
            originalTime = element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
        else
            time = parsed;
        return null;
    }
}
