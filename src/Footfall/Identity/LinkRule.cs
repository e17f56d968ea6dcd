using System.Text.Json;
using Footfall.Events;

namespace Footfall.Identity;

/// <summary>One identifier of a link group, as the store knew it just before the group.</summary>
/// <param name="Identifier">The identifier.</param>
/// <param name="Known">Whether the store knew it (as any person's identifier).</param>
/// <param name="Person">Its person, when known, in the store's own terms.</param>
/// <param name="PersonIdentified">Whether that person holds an identifying user id (<see cref="LinkRule.Identifies"/>).</param>
public readonly record struct LinkSide<TPerson>(Identifier Identifier, bool Known, TPerson Person, bool PersonIdentified);

/// <summary>
/// Which links the public paths may make (CONTRACT §3), defined once for every store. Identifiers named together
/// (an event's userId and guestId, an identify call, a dialect's identities) join into one person, unless
/// <list type="bullet">
/// <item>two of them belong to different persons that each already hold a user id, or</item>
/// <item>the group brings a user id never seen before to a person that already holds one, without naming that
/// person by one of its user ids (a new user on another user's guest id: a shared browser, or a guess).</item>
/// </list>
/// Anonymous ids (guest ids, <see cref="AnonymousUid"/>) join freely; user ids first seen together form one person;
/// a vendor naming a known customer id with a new e-mail adds the e-mail. So two user ids known in different persons
/// are never joined except by an operator's merge (<see cref="IdentityLink.Merge"/>).
/// </summary>
public static class LinkRule
{
    /// <summary>The reason a refused link is kept aside with. It names no identifier, so it leaks nothing.</summary>
    public const string RefusedReason =
        "link refused: it would join persons that each hold a different user id; only POST /v1/people/merge with the secret key merges identified persons";

    /// <summary>Whether an identifier identifies its person: a user id that Footfall did not mint as anonymous.</summary>
    public static bool Identifies(Identifier identifier) =>
        identifier.Kind == IdentifierKind.User && !AnonymousUid.IsMinted(identifier.Value);

    /// <summary>Whether the group may be joined into one person: null when it may, else the reason it may not.</summary>
    public static string? Decide<TPerson>(IEnumerable<LinkSide<TPerson>> group)
    {
        var identifiedPersons = new HashSet<TPerson>();
        bool newUserId = false, namesAUser = false;
        foreach (var side in group)
        {
            var identifies = Identifies(side.Identifier);
            if (side.Known && side.PersonIdentified)
                identifiedPersons.Add(side.Person);
            newUserId |= !side.Known && identifies;
            namesAUser |= side.Known && identifies;
        }
        return identifiedPersons.Count > 1 || identifiedPersons.Count == 1 && newUserId && !namesAUser ? RefusedReason : null;
    }

    /// <summary>
    /// The groups a write's links name: the connected sets of its non-merge links, in order of first appearance.
    /// A dialect names an event's several identities as links to one anchor, so each set is what one event (or
    /// events naming the same ids) claims is one person, decided as a whole.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Identifier>> Groups(IEnumerable<IdentityLink> links)
    {
        var parent = new Dictionary<Identifier, Identifier>();
        var order = new List<Identifier>();
        Identifier Root(Identifier x)
        {
            if (parent.TryAdd(x, x))
                order.Add(x);
            while (parent[x] != x)
                x = parent[x] = parent[parent[x]];
            return x;
        }
        foreach (var link in links.Where(l => !l.IsMerge))
        {
            var (ra, rb) = (Root(link.A), Root(link.B));
            if (ra != rb)
                parent[rb] = ra;
        }
        return order.GroupBy(Root).Select(g => (IReadOnlyList<Identifier>)g.ToList()).ToList();
    }

    /// <summary>The quarantine entry of a refused group: its identifiers as JSON, and the reason.</summary>
    public static RejectedEvent Rejection(IEnumerable<Identifier> group, DateTime time, string source)
    {
        var list = group.ToList();
        var raw = JsonSerializer.Serialize(new Dictionary<string, string[]>
        {
            ["userIds"] = list.Where(i => i.Kind == IdentifierKind.User).Select(i => i.Value).ToArray(),
            ["guestIds"] = list.Where(i => i.Kind == IdentifierKind.Guest).Select(i => i.Value).ToArray(),
        }, Storage.StoreJson.Options);
        // The identifiers go with it, so erasing any one of them erases the refusal too.
        return new RejectedEvent(time, source, RefusedReason, raw) { Identifiers = list };
    }
}
