using Footfall.Events;
using Footfall.Identity;
using Footfall.Storage;
using static Footfall.ClickHouse.ClickHouseSql;

namespace Footfall.ClickHouse;

public sealed partial class ClickHouseEventStore
{
    /// <summary>What <see cref="LinkRule"/> made of one commit's links.</summary>
    private sealed class LinkDecisions(int writes)
    {
        /// <summary>The links to store: each joins two identifiers that were not yet one person.</summary>
        public List<(string Project, string A, string B)> Links { get; } = [];

        /// <summary>Every identifier an applied link names (each needs a persons row).</summary>
        public HashSet<(string Project, string Ident)> Identifiers { get; } = [];

        /// <summary>Refused groups per write.</summary>
        public int[] Refused { get; } = new int[writes];

        /// <summary>The quarantine rows of the refused groups.</summary>
        public List<(string Project, RejectedEvent Rejected)> Rejections { get; } = [];
    }

    /// <summary>One thing a commit asks to link, in the order the DuckDB store applies them too.</summary>
    private sealed record LinkRequest(int Write, IReadOnlyList<Identifier> Group, bool IsMerge, string Source, string? Actor);

    /// <summary>
    /// Decides every link of a commit, in order, as the DuckDB store does: merges, then the write's link groups, then
    /// each stored event's user-guest pair. The persons they touch are read from ClickHouse once; the commit's own
    /// decisions are applied in memory so a later group sees an earlier one. The rule holds per node: two nodes that
    /// link the same anonymous person to two different users at the same instant can each allow theirs.
    /// </summary>
    private async Task<LinkDecisions> DecideLinksAsync(IReadOnlyList<ProjectWrite> writes, IReadOnlyList<List<TrackedEvent>> stored,
        CancellationToken cancellationToken)
    {
        var decisions = new LinkDecisions(writes.Count);
        if (!writes.Any(w => w.Links.Count > 0) && !stored.Any(events => events.Any(e => e.UserId is not null && e.GuestId is not null)))
            return decisions;
        var requests = Requests(writes, stored);
        var now = EventTime.Now(_clock);
        foreach (var project in requests.Where(r => r.Group.Count > 1).GroupBy(r => writes[r.Write].ProjectId, StringComparer.Ordinal))
        {
            var state = await LoadLinkStateAsync(project.Key, project, cancellationToken);
            var refusedInWrite = new HashSet<(int, Identifier)>();
            foreach (var request in requests.Where(r => writes[r.Write].ProjectId == project.Key))
            {
                Decide(request, state, refusedInWrite, decisions, project.Key, now);
                // An event's own identifier becomes known whatever became of its link, as a person of its own if new.
                if (request.Actor is not null)
                    state.Known.Add(request.Actor);
            }
        }
        return decisions;
    }

    private static void Decide(LinkRequest request, LinkState state, HashSet<(int, Identifier)> refusedInWrite, LinkDecisions decisions,
        string project, DateTime now)
    {
        var keys = request.Group.Select(i => i.Key).ToList();
        if (keys.Count == 1 || state.AlreadyOne(keys))
            return;
        // An event pair inside a group refused just before was decided with it: refusing it again says nothing new.
        if (request.Actor is not null && request.Group.All(i => refusedInWrite.Contains((request.Write, i))))
            return;
        var sides = request.Group.Select(i => new LinkSide<string>(i, state.Known.Contains(i.Key), state.Components.Root(i.Key),
            state.Components.IsIdentified(i.Key)));
        if (!request.IsMerge && LinkRule.Decide(sides) is not null)
        {
            decisions.Refused[request.Write]++;
            decisions.Rejections.Add((project, LinkRule.Rejection(request.Group, now, request.Source)));
            if (request.Actor is null)
                refusedInWrite.UnionWith(request.Group.Select(i => (request.Write, i)));
            return;
        }
        foreach (var key in keys)
        {
            state.Known.Add(key);
            decisions.Identifiers.Add((project, key));
            if (state.Components.Root(key) != state.Components.Root(keys[0]))
                decisions.Links.Add((project, keys[0], key));
            state.Components.Union(keys[0], key);
        }
    }

    /// <summary>The commit's link requests in order; an event's lone identifier is a request of one (it becomes known).</summary>
    private static List<LinkRequest> Requests(IReadOnlyList<ProjectWrite> writes, IReadOnlyList<List<TrackedEvent>> stored)
    {
        var requests = new List<LinkRequest>();
        for (var w = 0; w < writes.Count; w++)
        {
            var write = writes[w];
            requests.AddRange(write.Links.Where(l => l.IsMerge).Select(l => new LinkRequest(w, [l.A, l.B], true, write.Source, null)));
            requests.AddRange(LinkRule.Groups(write.Links).Select(g => new LinkRequest(w, g, false, write.Source, null)));
            foreach (var e in stored[w])
            {
                IReadOnlyList<Identifier> group = e.UserId is not null && e.GuestId is not null
                    ? [Identifier.User(e.UserId), Identifier.Guest(e.GuestId)]
                    : [e.Actor];
                requests.Add(new LinkRequest(w, group, false, e.Source, e.Actor.Key));
            }
        }
        return requests;
    }

    /// <summary>What ClickHouse knows of the identifiers a project's link requests name.</summary>
    private sealed class LinkState(HashSet<string> known, Dictionary<string, string> personOf, PersonComponents components)
    {
        public HashSet<string> Known { get; } = known;
        public PersonComponents Components { get; } = components;

        /// <summary>Whether the identifiers were one person already before this commit (the common case: nothing to decide).</summary>
        public bool AlreadyOne(List<string> keys) =>
            keys.All(k => personOf.ContainsKey(k)) && keys.All(k => personOf[k] == personOf[keys[0]]);
    }

    private async Task<LinkState> LoadLinkStateAsync(string project, IEnumerable<LinkRequest> requests, CancellationToken cancellationToken)
    {
        var idents = requests.Where(r => r.Group.Count > 1).SelectMany(r => r.Group).Select(i => i.Key).ToHashSet(StringComparer.Ordinal);
        var personOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in await _http.QueryAsync(
            $"SELECT ident, argMax(person, size) FROM persons WHERE project = {Quote(project)} AND ident IN {List(idents)} GROUP BY ident",
            cancellationToken))
            personOf[r[0]!] = r[1]!;
        var state = new LinkState(personOf.Keys.ToHashSet(StringComparer.Ordinal), personOf, new PersonComponents());
        // Only groups that are not one person yet need their persons' every identifier, to know which hold a user id.
        var undecided = requests.Where(r => r.Group.Count > 1 && !state.AlreadyOne(r.Group.Select(i => i.Key).ToList()))
            .SelectMany(r => r.Group).Select(i => i.Key).Distinct(StringComparer.Ordinal).ToList();
        if (undecided.Count == 0)
            return state;
        var components = await ComponentsAsync(project, undecided, cancellationToken);
        return new LinkState(state.Known, personOf, components);
    }
}
