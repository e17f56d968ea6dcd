using System.Text.Json;
using Footfall.Events;

namespace Footfall.Ingest;

/// <summary>
/// Reads Footfall's native event JSON (CONTRACT §3) into <see cref="TrackedEvent"/>. Type errors are
/// reported per event so that one bad event never costs the good ones beside it.
/// </summary>
public static class NativeEventReader
{
    /// <summary>
    /// One JSON value of a batch as a candidate: refused naming the field when a string breaks the <see cref="TextRule"/>
    /// (checked before any string is read: a lone surrogate throws when read), otherwise translated by <see cref="TryRead"/>.
    /// </summary>
    public static EventCandidate Candidate(JsonElement element, DateTime receivedAt, string source) => EventCandidate.FromJson(element, raw =>
        TryRead(raw, receivedAt, source, out var e, out var error) ? EventCandidate.Of(e!, raw) : EventCandidate.Invalid(error!, raw));

    /// <summary>
    /// Translates one JSON value of a batch; returns the event or the reason it cannot be read. The field rules
    /// shared by every entry point are checked later, by <see cref="EventValidator"/> in the ingest pipeline.
    /// </summary>
    public static bool TryRead(JsonElement element, DateTime receivedAt, string source,
        out TrackedEvent? trackedEvent, out string? error)
    {
        trackedEvent = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "an event must be a JSON object";
            return false;
        }
        string? key = null, action = null, time = null, userId = null, guestId = null, sessionId = null;
        string? experience = null, variant = null, sourceId = null, label = null, paramsJson = null;
        Dictionary<string, string>? target = null;
        foreach (var property in element.EnumerateObject())
        {
            error = property.Name switch
            {
                "id" => ReadString(property, ref key),
                "action" => ReadString(property, ref action),
                "time" => ReadString(property, ref time),
                "userId" => ReadString(property, ref userId),
                "guestId" => ReadString(property, ref guestId),
                "sessionId" => ReadString(property, ref sessionId),
                "experience" => ReadString(property, ref experience),
                "variant" => ReadString(property, ref variant),
                "sourceId" => ReadString(property, ref sourceId),
                "label" => ReadString(property, ref label),
                "target" => ReadTarget(property.Value, out target),
                "params" => ReadParams(property.Value, out paramsJson),
                _ => null, // unknown fields are ignored so that newer clients keep working
            };
            if (error is not null)
                return false;
        }
        if (action is null)
        {
            error = "action is required";
            return false;
        }
        if (!TryResolveTime(time, receivedAt, out var eventTime, out error))
            return false;
        trackedEvent = new TrackedEvent
        {
            Key = key, Action = action, Time = eventTime, ReceivedAt = receivedAt, UserId = userId, GuestId = guestId,
            SessionId = sessionId, Experience = experience, Variant = variant, Target = target, SourceId = sourceId,
            Label = label, ParamsJson = paramsJson, Source = source,
        };
        error = null;
        return true;
    }

    /// <summary>
    /// Parses an RFC 3339 time; a time more than <see cref="EventLimits.MaxClockSkew"/> ahead of the receive
    /// time is replaced by the receive time (a client's clock is wrong, the event itself is not).
    /// </summary>
    public static bool TryResolveTime(string? text, DateTime receivedAt, out DateTime time, out string? error)
    {
        error = null;
        time = receivedAt;
        if (text is null)
            return true;
        if (!EventTime.TryParse(text, "time", out var parsed, out error))
            return false;
        time = EventTime.NotAfter(parsed, receivedAt);
        return true;
    }

    private static string? ReadString(JsonProperty property, ref string? value)
    {
        switch (property.Value.ValueKind)
        {
            case JsonValueKind.String:
                value = property.Value.GetString();
                return null;
            case JsonValueKind.Null:
                value = null;
                return null;
            default:
                return $"{property.Name} must be a string";
        }
    }

    private static string? ReadTarget(JsonElement value, out Dictionary<string, string>? target)
    {
        target = null;
        if (value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Object)
            return "target must be an object of kind -> id strings";
        target = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kind in value.EnumerateObject())
        {
            switch (kind.Value.ValueKind)
            {
                case JsonValueKind.String:
                    target[kind.Name] = kind.Value.GetString()!;
                    break;
                case JsonValueKind.Number:
                    target[kind.Name] = kind.Value.GetRawText();
                    break;
                default:
                    return $"target.{kind.Name} must be a string";
            }
        }
        return null;
    }

    private static string? ReadParams(JsonElement value, out string? json)
    {
        json = null;
        if (value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Object)
            return "params must be a JSON object";
        json = value.GetRawText();
        return null;
    }
}
