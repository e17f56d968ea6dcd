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

        /// <summary>Every identifier a link of the commit names, applied or found already one person.</summary>
        public HashSet<(string Project, string Ident)> Named { get; } = [];

        /// <summary>Both identifiers of each link to store.</summary>
        public IEnumerable<(string Project, string Ident)> Joined => Links.SelectMany(l => new[] { (l.Project, l.A), (l.Project, l.B) });

        /// <summary>Refused groups per write.</summary>
        public int[] Refused { get; } = new int[writes];

        /// <summary>The quarantine rows of the refused groups, with the write each came from.</summary>
        public List<(int Write, RejectedEvent Rejected)> Rejections { get; } = [];
    }

    /// <summary>
    /// Decides the commit's links (<see cref="DecideLinksAsync"/>) and files the decisions as both ways into the store
    /// need them: the identifiers they name join <paramref name="actors"/>, each refused group goes to
    /// <paramref name="quarantine"/> (its write, its number among that write's refusals, the row) and to its write's outcome.
    /// </summary>
    private async Task<LinkDecisions> DecideLinksIntoAsync(IReadOnlyList<ProjectWrite> writes, List<TrackedEvent>[] kept,
        HashSet<(string Project, string Ident)> actors, Action<int, int, RejectedEvent> quarantine, WriteOutcome[] outcomes,
        CancellationToken cancellationToken)
    {
        var links = await DecideLinksAsync(writes, kept, cancellationToken);
        actors.UnionWith(links.Identifiers);
        var refusals = new int[writes.Count];
        foreach (var (w, r) in links.Rejections)
            quarantine(w, refusals[w]++, r);
        for (var w = 0; w < writes.Count; w++)
            outcomes[w] = outcomes[w] with { RefusedLinks = links.Refused[w] };
        return links;
    }

    /// <summary>
    /// Decides every link of a commit in <see cref="LinkSequence"/>'s order, as the DuckDB store does. The persons
    /// they touch are read from ClickHouse once per project; the commit's own decisions are applied in memory so a
    /// later group sees an earlier one. The rule holds per node: two nodes that link the same anonymous person to two
    /// different users at the same instant can each allow theirs.
    /// </summary>
    private async Task<LinkDecisions> DecideLinksAsync(IReadOnlyList<ProjectWrite> writes, IReadOnlyList<List<TrackedEvent>> stored,
        CancellationToken cancellationToken)
    {
        var decisions = new LinkDecisions(writes.Count);
        var named = new Dictionary<string, List<IReadOnlyList<Identifier>>>(StringComparer.Ordinal);
        for (var w = 0; w < writes.Count; w++)
        {
            var groups = writes[w].Links.Where(l => l.IsMerge).Select(l => (IReadOnlyList<Identifier>)[l.A, l.B])
                .Concat(LinkRule.Groups(writes[w].Links))
                .Concat(stored[w].Where(e => e.UserId is not null && e.GuestId is not null)
                    .Select(e => (IReadOnlyList<Identifier>)[Identifier.User(e.UserId!), Identifier.Guest(e.GuestId!)]))
                .ToList();
            if (groups.Count == 0)
                continue;
            if (!named.TryGetValue(writes[w].ProjectId, out var list))
                named[writes[w].ProjectId] = list = [];
            list.AddRange(groups);
            decisions.Named.UnionWith(groups.SelectMany(g => g).Select(i => (writes[w].ProjectId, i.Key)));
        }
        if (named.Count == 0)
            return decisions;
        var now = EventTime.Now(_clock);
        var states = new Dictionary<string, LinkState>(StringComparer.Ordinal);
        foreach (var (project, groups) in named)
            states[project] = await LoadLinkStateAsync(project, groups, cancellationToken);
        for (var w = 0; w < writes.Count; w++)
        {
            if (states.TryGetValue(writes[w].ProjectId, out var state))
                decisions.Refused[w] = LinkSequence.Apply(writes[w], stored[w], new Linker(state, decisions, w, writes[w].ProjectId, now));
        }
        return decisions;
    }

    /// <summary>What ClickHouse knew, before this commit, of the identifiers a project's links name; then the commit's own.</summary>
    private sealed class LinkState(HashSet<string> known, Dictionary<string, string> personBefore, PersonComponents components)
    {
        public HashSet<string> Known { get; } = known;
        public PersonComponents Components { get; } = components;

        /// <summary>Whether the identifiers were one person already before this commit (the common case: nothing to decide).</summary>
        public bool AlreadyOne(IReadOnlyList<Identifier> group) =>
            group.All(i => personBefore.ContainsKey(i.Key)) && group.All(i => personBefore[i.Key] == personBefore[group[0].Key]);
    }

    private async Task<LinkState> LoadLinkStateAsync(string project, List<IReadOnlyList<Identifier>> groups, CancellationToken cancellationToken)
    {
        var idents = groups.SelectMany(g => g).Select(i => i.Key).Distinct(StringComparer.Ordinal);
        var personBefore = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in await _http.QueryAsync(
            $"SELECT ident, argMax(person, size) FROM persons WHERE project = {Quote(project)} AND ident IN {List(idents)} GROUP BY ident",
            cancellationToken))
            personBefore[r[0]!] = r[1]!;
        var state = new LinkState(personBefore.Keys.ToHashSet(StringComparer.Ordinal), personBefore, new PersonComponents());
        // Only groups not yet one person need their persons' every identifier, to know which hold a user id.
        var seeds = groups.Where(g => !state.AlreadyOne(g)).SelectMany(g => g).Select(i => i.Key).Distinct(StringComparer.Ordinal).ToList();
        return seeds.Count == 0 ? state : new LinkState(state.Known, personBefore, await ComponentsAsync(project, seeds, cancellationToken));
    }

    /// <summary>Applies one write's links to a project's <see cref="LinkState"/> and records what to store.</summary>
    private sealed class Linker(LinkState state, LinkDecisions decisions, int write, string project, DateTime now) : IPersonLinker
    {
        public void Merge(Identifier a, Identifier b)
        {
            if (!state.AlreadyOne([a, b]))
                Join([a, b]);
        }

        public bool TryLink(IReadOnlyList<Identifier> group, string source)
        {
            if (state.AlreadyOne(group))
                return true;
            var sides = group.Select(i => new LinkSide<string>(i, state.Known.Contains(i.Key), state.Components.Root(i.Key),
                state.Components.IsIdentified(i.Key)));
            if (LinkRule.Decide(sides) is not null)
            {
                decisions.Rejections.Add((write, LinkRule.Rejection(group, now, source)));
                return false;
            }
            Join(group);
            return true;
        }

        public void Stored(TrackedEvent storedEvent) => state.Known.Add(storedEvent.Actor.Key);

        private void Join(IReadOnlyList<Identifier> group)
        {
            var first = group[0].Key;
            foreach (var key in group.Select(i => i.Key))
            {
                state.Known.Add(key);
                decisions.Identifiers.Add((project, key));
                if (state.Components.Root(key) != state.Components.Root(first))
                    decisions.Links.Add((project, first, key));
                state.Components.Union(first, key);
            }
        }
    }
}
