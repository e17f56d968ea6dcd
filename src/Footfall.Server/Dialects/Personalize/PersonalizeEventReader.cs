using System.Text.Json;
using Footfall.Events;
using Footfall.Ingest;

namespace Footfall.Server.Dialects.Personalize;

/// <summary>
/// Translates one item of a Personalize <c>POST /events</c> body: <c>IMPRESSION</c> becomes an
/// <c>impression</c>, <c>EVENT</c> becomes an event whose action is its <c>eventKey</c>. The uid is a user id.
/// </summary>
public static class PersonalizeEventReader
{
    /// <summary>The translated candidate (or the reason it cannot be translated).</summary>
    public static EventCandidate Read(JsonElement item, string userUid, DateTime receivedAt)
    {
        if (item.ValueKind != JsonValueKind.Object)
            return EventCandidate.Invalid("an event must be a JSON object", item);
        if (!DialectJson.TryReadString(item, "type", out var type, out var error))
            return EventCandidate.Invalid(error!, item);
        switch (type)
        {
            case "IMPRESSION":
                if (!DialectJson.TryReadString(item, "experienceShortUid", out var experience, out error)
                    || !DialectJson.TryReadString(item, "variantShortUid", out var variant, out error))
                    return EventCandidate.Invalid(error!, item);
                if (string.IsNullOrEmpty(experience))
                    return EventCandidate.Invalid("IMPRESSION requires experienceShortUid", item);
                if (string.IsNullOrEmpty(variant))
                    return EventCandidate.Invalid("IMPRESSION requires variantShortUid", item);
                return EventCandidate.Of(Event(BuiltInActions.Impression, userUid, receivedAt) with { Experience = experience, Variant = variant }, item);
            case "EVENT":
                if (!DialectJson.TryReadString(item, "eventKey", out var eventKey, out error))
                    return EventCandidate.Invalid(error!, item);
                if (string.IsNullOrEmpty(eventKey))
                    return EventCandidate.Invalid("EVENT requires eventKey", item);
                return EventCandidate.Of(Event(eventKey, userUid, receivedAt), item);
            case null:
                return EventCandidate.Invalid("type is required: IMPRESSION or EVENT", item);
            default:
                return EventCandidate.Invalid($"type '{type}' is not IMPRESSION or EVENT", item);
        }
    }

    private static TrackedEvent Event(string action, string userUid, DateTime receivedAt) => new()
    {
        Action = action, Time = receivedAt, ReceivedAt = receivedAt, UserId = userUid, Source = EventSources.Personalize,
    };
}
