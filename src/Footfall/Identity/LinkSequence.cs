using Footfall.Events;
using Footfall.Storage;

namespace Footfall.Identity;

/// <summary>What a store does with each link of a write, in the order <see cref="LinkSequence"/> gives.</summary>
public interface IPersonLinker
{
    /// <summary>An operator's merge: joins the two persons whatever they hold.</summary>
    void Merge(Identifier a, Identifier b);

    /// <summary>Joins the group if <see cref="LinkRule"/> allows it, else keeps it aside; false when refused.</summary>
    bool TryLink(IReadOnlyList<Identifier> group, string source);

    /// <summary>An event is stored: its own identifier becomes known (a person of its own when new).</summary>
    void Stored(TrackedEvent storedEvent);
}

/// <summary>
/// The order every store applies a write's links in, so both decide alike: the merges, then the link groups
/// (<see cref="LinkRule.Groups"/>), then each stored event's user-guest pair followed by the event itself. A later
/// link sees what an earlier one did.
/// </summary>
public static class LinkSequence
{
    /// <summary>Applies the write's links through <paramref name="linker"/>; returns how many groups were refused.</summary>
    public static int Apply(ProjectWrite write, IEnumerable<TrackedEvent> stored, IPersonLinker linker)
    {
        foreach (var merge in write.Links.Where(l => l.IsMerge))
            linker.Merge(merge.A, merge.B);
        var refused = 0;
        // An event's pair inside a group refused just before was decided with it: refusing it again says nothing new.
        var refusedIdentifiers = new HashSet<Identifier>();
        foreach (var group in LinkRule.Groups(write.Links))
        {
            if (linker.TryLink(group, write.Source))
                continue;
            refused++;
            refusedIdentifiers.UnionWith(group);
        }
        foreach (var e in stored)
        {
            if (e.UserId is not null && e.GuestId is not null)
            {
                Identifier[] pair = [Identifier.User(e.UserId), Identifier.Guest(e.GuestId)];
                if (!pair.All(refusedIdentifiers.Contains) && !linker.TryLink(pair, e.Source))
                    refused++;
            }
            linker.Stored(e);
        }
        return refused;
    }
}
