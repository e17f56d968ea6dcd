using Footfall.Identity;

namespace Footfall.Storage;

/// <summary>People and identity: a person found by any of their identifiers, their events, attributes and erasure.</summary>
public interface IPeopleStore
{
    /// <summary>The person an identifier belongs to, or null when it was never seen.</summary>
    Task<PersonRecord?> FindPersonAsync(string projectId, Identifier identifier, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> of the person's events, newest first, older than <paramref name="before"/> when given,
    /// and the cursor of the page after them.
    /// </summary>
    Task<ActivityPage> GetActivityAsync(string projectId, Identifier identifier, int limit, ActivityCursor? before = null,
        CancellationToken cancellationToken = default);

    /// <summary>Sets attributes on the identifier's person; a later value replaces an earlier one.</summary>
    Task SetAttributesAsync(string projectId, Identifier identifier, IReadOnlyDictionary<string, string> attributesJson, CancellationToken cancellationToken = default);

    /// <summary>Erases every event, identifier and attribute of the identifier's person; returns the events erased.</summary>
    Task<long> ErasePersonAsync(string projectId, Identifier identifier, CancellationToken cancellationToken = default);
}

/// <summary>A person: the identifiers linked together, their attributes and a summary of their events.</summary>
public sealed record PersonRecord(
    IReadOnlyList<Identifier> Identifiers,
    IReadOnlyDictionary<string, string> AttributesJson,
    long EventCount,
    DateTime? FirstSeen,
    DateTime? LastSeen);
