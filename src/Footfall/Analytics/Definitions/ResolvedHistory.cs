using Footfall.Events;
using Footfall.Identity;
using Footfall.Storage;

namespace Footfall.Analytics.Definitions;

/// <summary>
/// What a <see cref="ProjectHistory"/> leaves stored: every event once per idempotency key, and the person every
/// identifier belongs to once all links are applied. Persons are resolved after the whole history, so a link reaches
/// back to every earlier event of both sides (CONTRACT §4: links apply before and after).
/// Written for clarity, not speed: this is the specification the stores are tested against.
/// </summary>
public sealed class ResolvedHistory
{
    private readonly Dictionary<Identifier, Identifier> _parent = new();
    private readonly Dictionary<Identifier, Identifier> _personOf = new();

    private ResolvedHistory(ProjectHistory history)
    {
        var events = new List<TrackedEvent>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in history.Entries)
        {
            switch (entry)
            {
                case LinkEntry link:
                    Link(link.Link.A, link.Link.B);
                    break;
                // A retry of an event already stored (its key seen before) changes nothing, its link included.
                case EventEntry { Event: var e } when e.Key is null || keys.Add(e.Key):
                    events.Add(e);
                    Root(e.Actor);
                    if (e.UserId is not null && e.GuestId is not null)
                        Link(Identifier.User(e.UserId), Identifier.Guest(e.GuestId));
                    break;
            }
        }
        Events = events;
        // A person is named by the smallest key among its identifiers, so the name does not depend on link order.
        foreach (var group in _parent.Keys.GroupBy(Root))
        {
            var name = group.MinBy(i => i.Key, StringComparer.Ordinal);
            foreach (var id in group)
                _personOf[id] = name;
        }
        Responses = history.Responses;
    }

    /// <summary>The stored events, in the order they were committed.</summary>
    public IReadOnlyList<TrackedEvent> Events { get; }

    /// <summary>The served recommendation responses.</summary>
    public IReadOnlyList<ServedResponse> Responses { get; }

    /// <summary>Applies idempotency and links to a history.</summary>
    public static ResolvedHistory Resolve(ProjectHistory history) => new(history);

    /// <summary>The person (named by one of its identifiers) an identifier belongs to; an unseen identifier is a person of its own.</summary>
    public Identifier PersonOf(Identifier identifier) => _personOf.GetValueOrDefault(identifier, identifier);

    /// <summary>The person an event is filed under.</summary>
    public Identifier PersonOf(TrackedEvent e) => PersonOf(e.Actor);

    /// <summary>
    /// The link rule (CONTRACT §3): a link that would join two persons each already holding a user id is refused;
    /// only an explicit merge does that.
    /// </summary>
    private void Link(Identifier a, Identifier b)
    {
        var (ra, rb) = (Root(a), Root(b));
        if (ra == rb || HoldsUser(ra) && HoldsUser(rb))
            return;
        _parent[ra] = rb;
    }

    private bool HoldsUser(Identifier root) => _parent.Keys.Any(i => i.Kind == IdentifierKind.User && Root(i) == root);

    private Identifier Root(Identifier id)
    {
        while (_parent.TryGetValue(id, out var up) && up != id)
            id = up;
        _parent.TryAdd(id, id);
        return id;
    }
}
