namespace Footfall.Events;

/// <summary>
/// The one event model inside Footfall. Every entry point (the native API and each vendor dialect)
/// translates what it receives into this shape; nothing downstream knows the dialect except <see cref="Source"/>.
/// </summary>
public sealed record TrackedEvent
{
    /// <summary>Idempotency key: an event whose key is already stored in the project is never stored again.</summary>
    public string? Key { get; init; }

    /// <summary>What happened, e.g. <c>product_view</c> or <c>impression</c>.</summary>
    public required string Action { get; init; }

    /// <summary>When it happened (UTC).</summary>
    public required DateTime Time { get; init; }

    /// <summary>When Footfall received it (UTC).</summary>
    public required DateTime ReceivedAt { get; init; }

    /// <summary>The signed-in user's id, if known.</summary>
    public string? UserId { get; init; }

    /// <summary>The anonymous visitor's id, if known.</summary>
    public string? GuestId { get; init; }

    /// <summary>The visit this event belongs to.</summary>
    public string? SessionId { get; init; }

    /// <summary>The experience an <c>impression</c> is of.</summary>
    public string? Experience { get; init; }

    /// <summary>The variant an <c>impression</c> is of.</summary>
    public string? Variant { get; init; }

    /// <summary>What the event is about, kind to id: <c>{"product": "sku-1"}</c>.</summary>
    public IReadOnlyDictionary<string, string>? Target { get; init; }

    /// <summary>The response (recommendation block, search page) that showed the target.</summary>
    public string? SourceId { get; init; }

    /// <summary>A free human-readable label.</summary>
    public string? Label { get; init; }

    /// <summary>Extra properties as a serialized JSON object, or null.</summary>
    public string? ParamsJson { get; init; }

    /// <summary>The entry point the event came in by (native, personalize, oneentry, crownpeak, synerise).</summary>
    public string Source { get; init; } = EventSources.Native;

    /// <summary>The identifier the event is filed under: the user when known, else the guest.</summary>
    public Identity.Identifier Actor => UserId is not null ? Identity.Identifier.User(UserId) : Identity.Identifier.Guest(GuestId!);

    /// <summary>The product this event is about, if any.</summary>
    public string? Product => Target is not null && Target.TryGetValue("product", out var p) ? p : null;
}

/// <summary>Names of the entry points events arrive by.</summary>
public static class EventSources
{
    /// <summary>Footfall's own batch API.</summary>
    public const string Native = "native";
    /// <summary>Contentstack Personalize Edge API.</summary>
    public const string Personalize = "personalize";
    /// <summary>OneEntry UserActivity.</summary>
    public const string OneEntry = "oneentry";
    /// <summary>Crownpeak / Attraqt XO activities.</summary>
    public const string Crownpeak = "crownpeak";
    /// <summary>Synerise custom events.</summary>
    public const string Synerise = "synerise";
    /// <summary>The <c>footfall import</c> command.</summary>
    public const string Import = "import";
}
