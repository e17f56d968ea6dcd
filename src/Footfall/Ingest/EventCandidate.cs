using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;

namespace Footfall.Ingest;

/// <summary>
/// One event as an entry point translated it: the event, or the reason it could not be translated, and the
/// raw input kept for the quarantine.
/// </summary>
public readonly struct EventCandidate
{
    private readonly JsonElement _rawElement;
    private readonly string? _rawText;

    private readonly IReadOnlyList<Identifier>? _identifiers;

    private EventCandidate(TrackedEvent? trackedEvent, string? error, JsonElement rawElement, string? rawText,
        IReadOnlyList<Identifier>? identifiers = null)
    {
        Event = trackedEvent;
        Error = error;
        _rawElement = rawElement;
        _rawText = rawText;
        _identifiers = identifiers;
    }

    /// <summary>The translated event, when translation succeeded.</summary>
    public TrackedEvent? Event { get; }

    /// <summary>Why translation failed, when it did.</summary>
    public string? Error { get; }

    /// <summary>The raw input (only serialized when needed: for a rejection).</summary>
    public string Raw => _rawText ?? (_rawElement.ValueKind == JsonValueKind.Undefined ? "" : _rawElement.GetRawText());

    /// <summary>This candidate, also naming <paramref name="identifiers"/> (ones that came outside the body, in headers).</summary>
    public EventCandidate WithIdentifiers(IReadOnlyList<Identifier> identifiers) =>
        new(Event, Error, _rawElement, _rawText, identifiers);

    /// <summary>
    /// Every identifier the candidate names, for the quarantine: those given with it, the translated event's, and
    /// those its body (of dialect <paramref name="source"/>) carries even when it could not be translated.
    /// </summary>
    public IReadOnlyList<Identifier> IdentifiersFor(string source)
    {
        var found = new List<Identifier>(_identifiers ?? []);
        if (Event?.UserId is { } user) found.Add(Identifier.User(user));
        if (Event?.GuestId is { } guest) found.Add(Identifier.Guest(guest));
        found.AddRange(_rawText is not null ? QuarantineIdentifiers.FromBody(source, _rawText) : QuarantineIdentifiers.FromBody(source, _rawElement));
        return found.Where(i => TextRule.Problem(i.Value) is null).Distinct().ToList();
    }

    /// <summary>A translated event and the JSON it came from.</summary>
    public static EventCandidate Of(TrackedEvent trackedEvent, JsonElement raw) => new(trackedEvent, null, raw, null);

    /// <summary>A translated event and the text it came from.</summary>
    public static EventCandidate Of(TrackedEvent trackedEvent, string raw) => new(trackedEvent, null, default, raw);

    /// <summary>
    /// Translates <paramref name="raw"/> with <paramref name="translate"/> once its every string passes the
    /// <see cref="TextRule"/>; otherwise the candidate is refused naming the field, and the translator never reads
    /// text that would throw. Every JSON entry point reads its events through here.
    /// </summary>
    public static EventCandidate FromJson(JsonElement raw, Func<JsonElement, EventCandidate> translate) =>
        TextRule.CheckJson(raw) is { } error ? Invalid(error, raw) : translate(raw);

    /// <summary>An input that could not be translated.</summary>
    public static EventCandidate Invalid(string error, JsonElement raw) => new(null, error, raw, null);

    /// <summary>An input that could not be translated.</summary>
    public static EventCandidate Invalid(string error, string raw) => new(null, error, default, raw);
}
