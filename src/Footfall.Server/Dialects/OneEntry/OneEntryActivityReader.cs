using System.Text.Json;
using Footfall.Events;

namespace Footfall.Server.Dialects.OneEntry;

/// <summary>
/// Translates one OneEntry UserActivity body <c>{type, productId?, pageId?, query?, rating?, meta?}</c>. OneEntry's
/// ten types are Footfall's commerce actions by name; the id each one needs becomes the event's target.
/// </summary>
public static class OneEntryActivityReader
{
    /// <summary>OneEntry's event types, and the body field each one requires.</summary>
    public static readonly IReadOnlyDictionary<string, string> RequiredField = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [BuiltInActions.ProductView] = "productId",
        [BuiltInActions.PageView] = "pageId",
        [BuiltInActions.CategoryView] = "pageId",
        [BuiltInActions.Search] = "query",
        [BuiltInActions.AddToCart] = "productId",
        [BuiltInActions.RemoveFromCart] = "productId",
        [BuiltInActions.AddToWishlist] = "productId",
        [BuiltInActions.RemoveFromWishlist] = "productId",
        [BuiltInActions.Purchase] = "productId",
        [BuiltInActions.Rating] = "productId",
    };

    /// <summary>The event, or the error to answer 400 with.</summary>
    public static (TrackedEvent? Event, string? Error) Read(JsonElement body, string? guestId, string? userId, DateTime receivedAt)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return (null, "body must be a JSON object {\"type\", \"productId\"?, \"pageId\"?, \"query\"?, \"meta\"?}");
        if (!DialectJson.TryReadString(body, "type", out var type, out var error))
            return (null, error);
        if (string.IsNullOrEmpty(type))
            return (null, $"type is required: one of {string.Join(", ", RequiredField.Keys)}");
        if (!RequiredField.TryGetValue(type, out var field))
            return (null, $"type '{type}' is not one of {string.Join(", ", RequiredField.Keys)}");
        if (!DialectJson.TryReadId(body, field, out var id, out error))
            return (null, error);
        if (string.IsNullOrEmpty(id))
            return (null, $"{field} is required for type {type}");
        if (!DialectJson.TryReadObject(body, "meta", out var meta, out error))
            return (null, error);
        JsonElement? rating = null;
        if (type == BuiltInActions.Rating)
        {
            // The rating may come at the top level or inside meta; either way it must be a number.
            rating = body.TryGetProperty("rating", out var top) ? top
                : meta is { } m && m.TryGetProperty("rating", out var inMeta) ? inMeta : null;
            if (rating is not { ValueKind: JsonValueKind.Number })
                return (null, $"rating is required for type {type} and must be a number");
        }
        var kind = BuiltInActions.RequiredTarget(type)!;
        return (new TrackedEvent
        {
            Action = type,
            Time = receivedAt,
            ReceivedAt = receivedAt,
            UserId = userId,
            GuestId = guestId,
            Target = new Dictionary<string, string>(StringComparer.Ordinal) { [kind] = id },
            ParamsJson = DialectJson.Params(meta, ("rating", rating)),
            Source = EventSources.OneEntry,
        }, null);
    }
}
