using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;

namespace Footfall.Server.Dialects.Segment;

/// <summary>
/// Translates one Segment message (<c>track</c>, <c>identify</c>, <c>page</c>, <c>screen</c>, <c>group</c>,
/// <c>alias</c>) as the Segment spec defines it. <c>messageId</c> is the idempotency key, <c>anonymousId</c> a guest id,
/// <c>userId</c> a user id; a message carrying both links them.
/// </summary>
public static class SegmentMessageReader
{
    /// <summary>The source stored with Segment events.</summary>
    public const string Source = "segment";

    /// <summary>Adds what <paramref name="message"/> says to <paramref name="batch"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="impliedType">The type the route implies (<c>/v1/track</c>), or null for a batch item.</param>
    /// <param name="sentAt">The batch's <c>sentAt</c>: it comes before the message's own.</param>
    /// <param name="receivedAt">When Footfall received it.</param>
    /// <param name="batch">Where the candidates, links and attribute writes go.</param>
    public static void Read(JsonElement message, string? impliedType, JsonElement? sentAt, DateTime receivedAt, DialectBatch batch)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            batch.Reject("a message must be a JSON object", message);
            return;
        }
        if (!DialectJson.TryReadString(message, "type", out var type, out var error)
            || !DialectJson.TryReadId(message, "messageId", out var messageId, out error)
            || !DialectJson.TryReadId(message, "userId", out var userId, out error)
            || !DialectJson.TryReadId(message, "anonymousId", out var anonymousId, out error))
        {
            batch.Reject(error!, message);
            return;
        }
        if (ResolveTime(message, sentAt, receivedAt, out var time) is { } timeError)
        {
            batch.Reject(timeError, message);
            return;
        }
        type ??= impliedType;
        userId = NullIfEmpty(userId);
        anonymousId = NullIfEmpty(anonymousId);
        if (userId is null && anonymousId is null)
        {
            batch.Reject("userId or anonymousId is required", message);
            return;
        }
        var segmentEvent = new TrackedEvent
        {
            Key = Key(messageId), Action = "", Time = time, ReceivedAt = receivedAt,
            UserId = userId, GuestId = anonymousId, Source = Source,
        };
        switch (type)
        {
            case "track":
                SegmentTrackReader.Read(message, segmentEvent, batch);
                return;
            case "page":
                Page(message, segmentEvent, batch);
                return;
            case "screen":
                Add(message, segmentEvent with { Action = "screen", ParamsJson = Params(message, "properties", ("name", Field(message, "name"))) }, batch);
                return;
            case "identify" or "group" when !DialectJson.TryReadObject(message, "traits", out var traits, out error):
                batch.Reject(error!, message);
                return;
            case "identify":
                if (userId is not null && anonymousId is not null)
                    batch.Link(Identifier.Guest(anonymousId), Identifier.User(userId));
                if (Attributes(message) is { Count: > 0 } attributes)
                    batch.Write(AttributeWrite.Set(segmentEvent.Actor, attributes));
                Add(message, segmentEvent with { Action = "identify", ParamsJson = Params(message, "traits") }, batch);
                return;
            case "group":
                if (!DialectJson.TryReadId(message, "groupId", out var groupId, out error) || string.IsNullOrEmpty(groupId))
                {
                    batch.Reject(error ?? "groupId is required for a group message", message);
                    return;
                }
                Add(message, segmentEvent with
                {
                    Action = "group", Target = new Dictionary<string, string>(StringComparer.Ordinal) { ["group"] = groupId },
                    ParamsJson = Params(message, "traits"),
                }, batch);
                return;
            case "alias":
                Alias(message, segmentEvent, anonymousId, batch);
                return;
            case null:
                batch.Reject("type is required: track, identify, page, screen, group or alias", message);
                return;
            default:
                batch.Reject($"type '{type}' is not track, identify, page, screen, group or alias", message);
                return;
        }
    }

    /// <summary>Adds a translated event.</summary>
    internal static void Add(JsonElement message, TrackedEvent trackedEvent, DialectBatch batch) => batch.Add(EventCandidate.Of(trackedEvent, message));

    /// <summary>
    /// A Footfall key for a Segment id: the id itself when it fits, else its SHA-256, so a long id stays idempotent.
    /// </summary>
    internal static string? Key(string? id)
    {
        if (string.IsNullOrEmpty(id)) return null;
        return id.Length <= EventLimits.MaxKeyLength ? id : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }

    /// <summary>A string or number field of the message's <c>properties</c> or the message, or null.</summary>
    internal static string? Field(JsonElement obj, string name) =>
        DialectJson.TryReadId(obj, name, out var value, out _) ? NullIfEmpty(value) : null;

    /// <summary>The message's <paramref name="objectName"/> object (<c>properties</c>, <c>traits</c>) plus the extra fields.</summary>
    internal static string? Params(JsonElement message, string objectName, params (string Name, object? Value)[] extra) =>
        DialectJson.Params(message.TryGetProperty(objectName, out var o) && o.ValueKind == JsonValueKind.Object ? o : null, extra);

    private static void Page(JsonElement message, TrackedEvent segmentEvent, DialectBatch batch)
    {
        var properties = message.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        // analytics.js puts the url in properties; other clients only in context.page.
        var url = Field(properties, "url")
            ?? (message.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object
                && context.TryGetProperty("page", out var page) ? Field(page, "url") : null);
        Add(message, segmentEvent with
        {
            Action = BuiltInActions.PageVisit,
            ParamsJson = Params(message, "properties", ("url", url), ("name", Field(message, "name")), ("category", Field(message, "category"))),
        }, batch);
    }

    // previousId is the anonymousId when it is the message's own (analytics.js sends it so); otherwise a former user id.
    private static void Alias(JsonElement message, TrackedEvent segmentEvent, string? anonymousId, DialectBatch batch)
    {
        var previousId = Field(message, "previousId");
        if (previousId is null || segmentEvent.UserId is null)
        {
            batch.Reject("alias requires previousId and userId", message);
            return;
        }
        if (previousId.Length > EventLimits.MaxIdLength)
        {
            batch.Reject($"previousId must be at most {EventLimits.MaxIdLength} characters", message);
            return;
        }
        var previous = previousId == anonymousId ? Identifier.Guest(previousId) : Identifier.User(previousId);
        batch.Link(previous, Identifier.User(segmentEvent.UserId));
        Add(message, segmentEvent with { Action = "alias", ParamsJson = DialectJson.Params(null, ("previousId", previousId)) }, batch);
    }

    private static Dictionary<string, string>? Attributes(JsonElement message)
    {
        if (!message.TryGetProperty("traits", out var traits) || traits.ValueKind != JsonValueKind.Object)
            return null;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var trait in traits.EnumerateObject().Where(t => t.Name.Length is > 0 and <= 128))
            attributes[trait.Name] = trait.Value.GetRawText();
        return attributes;
    }

    /// <summary>
    /// Segment's rule: <c>timestamp</c> when given; else <c>originalTimestamp</c> corrected for the device clock's
    /// skew, <c>receivedAt - (sentAt - originalTimestamp)</c> with the batch's <c>sentAt</c>, else the message's; else
    /// the receive time.
    /// </summary>
    private static string? ResolveTime(JsonElement message, JsonElement? batchSentAt, DateTime receivedAt, out DateTime time)
    {
        time = receivedAt;
        if (Present(message, "timestamp") is { } timestamp)
        {
            if (!EventTime.TryParse(timestamp, "timestamp", out var parsed, out var error)) return error;
            time = EventTime.NotAfter(parsed, receivedAt);
            return null;
        }
        if (Present(message, "originalTimestamp") is not { } original)
            return null;
        if (!EventTime.TryParse(original, "originalTimestamp", out var originalTime, out var originalError)) return originalError;
        // The batch's sentAt before the message's: one request is one reading of the device clock, and clients that
        // stamp each message as they put it in the batch (RudderStack) can cross a millisecond between two messages,
        // which would put an event that happened in the same millisecond as the next one a millisecond after it.
        var sentAt = batchSentAt is { ValueKind: not JsonValueKind.Null } batchSent ? batchSent : Present(message, "sentAt");
        if (sentAt is { ValueKind: not JsonValueKind.Null } s)
        {
            if (!EventTime.TryParse(s, "sentAt", out var sentTime, out var sentError)) return sentError;
            originalTime = receivedAt - (sentTime - originalTime);
        }
        time = EventTime.NotAfter(EventTime.Normalize(originalTime), receivedAt);
        return null;
    }

    private static JsonElement? Present(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
