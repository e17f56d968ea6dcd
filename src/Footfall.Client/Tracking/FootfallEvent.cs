namespace Footfall.Client;

/// <summary>
/// One event in Footfall's native shape (CONTRACT §3). Its <see cref="Id"/> and <see cref="Time"/> are fixed when the
/// event is created, so a retry after a lost reply is recognised by the server as a duplicate, and an event that waits
/// out a server outage keeps the time it happened rather than the time it arrived.
/// </summary>
public sealed record FootfallEvent
{
    /// <summary>Creates an event about <paramref name="person"/>.</summary>
    /// <exception cref="ArgumentException">The action is empty or the person has no id.</exception>
    public FootfallEvent(string action, PersonId person)
    {
        if (string.IsNullOrEmpty(action))
            throw new ArgumentException("an action name is required", nameof(action));
        if (person.IsEmpty)
            throw new ArgumentException("an event needs a user id or a guest id", nameof(person));
        Action = action;
        Person = person;
    }

    /// <summary>The idempotency key: a new GUID by default. The server stores an id only once per project.</summary>
    public string Id { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>The action name: 1-64 characters of <c>[A-Za-z0-9_.:-]</c>.</summary>
    public string Action { get; }

    /// <summary>Who did it.</summary>
    public PersonId Person { get; }

    /// <summary>When it happened; the moment of creation by default.</summary>
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The visit it belongs to, if known.</summary>
    public string? SessionId { get; init; }

    /// <summary>What the action was done to, kind -> id, e.g. <c>{"product": "sku-1"}</c>.</summary>
    public IReadOnlyDictionary<string, string>? Target { get; init; }

    /// <summary>The id of the response (recommendation block, search page) that showed the target.</summary>
    public string? SourceId { get; init; }

    /// <summary>A short human-readable label, at most 256 characters.</summary>
    public string? Label { get; init; }

    /// <summary>Extra data, serialized as a JSON object of at most 8 KiB.</summary>
    public IReadOnlyDictionary<string, object?>? Params { get; init; }

    /// <summary>The experience of an impression.</summary>
    public string? Experience { get; init; }

    /// <summary>The variant of an impression.</summary>
    public string? Variant { get; init; }
}
