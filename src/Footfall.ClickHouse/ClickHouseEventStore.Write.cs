using System.Text;
using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Storage;
using Microsoft.Extensions.Logging;
using static Footfall.ClickHouse.ClickHouseSql;

namespace Footfall.ClickHouse;

public sealed partial class ClickHouseEventStore : IEventCommitter
{
    private const string EventColumns = "project, action, time_ms, actor, eid, has_key, ord, received_ms, user_id, guest_id, session_id, " +
        "experience, variant, target, source_id, label, params, source";

    /// <inheritdoc />
    /// <remarks>
    /// Idempotency survives a store that dies at any moment. ClickHouse has no transaction across tables, so the
    /// writes are ordered: key rows first, each naming this commit; then links, persons and events; then one row in
    /// <c>commits</c>, only once the events insert has returned. A key whose commit is in <c>commits</c> proves a
    /// duplicate; a key whose commit never got there (ClickHouse or this node died between the inserts, or a deadline
    /// passed) proves nothing, and the events table itself is asked. So a kill leaves no key that turns the retry of
    /// its lost event into a false duplicate, and no event that a retry stores twice. Two nodes that receive the
    /// same new key at the same instant may both store it; every read counts distinct <c>eid</c> (the key), so the
    /// event is still counted once.
    /// </remarks>
    public async Task<IReadOnlyList<WriteOutcome>> CommitAsync(IReadOnlyList<ProjectWrite> writes, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var commitId = Guid.NewGuid().ToString("N");
            var outcomes = new WriteOutcome[writes.Count];
            var events = new StringBuilder();
            var keys = new StringBuilder();
            var rejected = new StringBuilder();
            var actors = new HashSet<(string Project, string Ident)>();
            var stored = await StoredKeysAsync(writes, cancellationToken);
            var keysInBatch = new HashSet<(string, string)>();
            var kept = new List<TrackedEvent>[writes.Count];
            // Duplicates too: the commit that stored a retried event may have died before deriving its pairs.
            var touched = new List<(string, TrackedEvent)>();
            for (var w = 0; w < writes.Count; w++)
            {
                var write = writes[w];
                var p = write.ProjectId;
                kept[w] = [];
                var duplicates = 0;
                foreach (var e in write.Events)
                {
                    touched.Add((p, e));
                    if (e.Key is not null && (!keysInBatch.Add((p, e.Key)) || stored.Contains((p, e.Key))))
                    {
                        duplicates++;
                        continue;
                    }
                    var actor = e.Actor.Key;
                    actors.Add((p, actor));
                    var ord = NextOrd();
                    if (e.Key is not null)
                        AppendRow(keys, p, e.Key, actor, Num(ord), commitId);
                    AppendRow(events, EventFields(p, actor, ord, e));
                    kept[w].Add(e);
                }
                foreach (var r in write.Rejected)
                    AppendRejected(rejected, p, r);
                outcomes[w] = new WriteOutcome(kept[w].Count, duplicates);
            }
            var links = await DecideLinksIntoAsync(writes, kept, actors, (w, _, refusal) => AppendRejected(rejected, writes[w].ProjectId, refusal),
                outcomes, cancellationToken);
            await _http.InsertAsync("event_keys", "project, key, actor, ord, commit_id", keys, cancellationToken);
            await WriteIdentitiesAsync(actors, links.Links, cancellationToken);
            await _http.InsertAsync("events", EventColumns, events, cancellationToken);
            if (keys.Length > 0)
                await _http.InsertAsync("commits", "id", Row(commitId), cancellationToken);
            await _http.InsertAsync("rejected", "project, time_ms, source, error, raw, ord, idents", rejected, cancellationToken);
            await KeepAttributedAsync(touched, links.Joined, cancellationToken);
            return outcomes;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void AppendRejected(StringBuilder sb, string project, RejectedEvent r) => AppendRow(sb, RejectedFields(project, r));

    private string?[] RejectedFields(string project, RejectedEvent r) =>
        [project, Num(EventTime.ToUnixMs(r.Time)), r.Source, r.Error, r.Raw, Num(NextOrd()), "[" + string.Join(",", r.Identifiers.Select(i => Quote(i.Key))) + "]"];

    /// <summary>An event's values in <see cref="EventColumns"/>' order.</summary>
    private static string?[] EventFields(string project, string actor, ulong ord, TrackedEvent e) =>
        [project, e.Action, Num(EventTime.ToUnixMs(e.Time)), actor, e.Key ?? Guid.NewGuid().ToString("N"),
            e.Key is null ? "0" : "1", Num(ord), Num(EventTime.ToUnixMs(e.ReceivedAt)), e.UserId, e.GuestId, e.SessionId,
            e.Experience, e.Variant, e.Target is null ? null : JsonSerializer.Serialize(e.Target, StoreJson.Options),
            e.SourceId, e.Label, e.ParamsJson, e.Source];

    /// <summary>The (project, key) pairs of this batch whose events ClickHouse already holds.</summary>
    private async Task<HashSet<(string, string)>> StoredKeysAsync(IReadOnlyList<ProjectWrite> writes, CancellationToken cancellationToken)
    {
        var found = new HashSet<(string, string)>();
        foreach (var group in writes.GroupBy(w => w.ProjectId, StringComparer.Ordinal))
        {
            var keys = group.SelectMany(w => w.Events).Select(e => e.Key).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            if (keys.Count == 0) continue;
            var p = Quote(group.Key);
            var commitsOfKey = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var r in await _http.QueryAsync($"SELECT key, commit_id, node FROM event_keys WHERE project = {p} AND key IN {List(keys)}", cancellationToken))
            {
                // A row of a node's log applier: its event is stored, or will be when that node's applier resumes.
                if (r[2]!.Length > 0)
                {
                    found.Add((group.Key, r[0]!));
                    continue;
                }
                if (!commitsOfKey.TryGetValue(r[0]!, out var commits))
                    commitsOfKey[r[0]!] = commits = [];
                commits.Add(r[1]!);
            }
            foreach (var key in await ProvenByCommitsAsync(group.Key, commitsOfKey, cancellationToken))
                found.Add((group.Key, key));
        }
        return found;
    }

    /// <summary>The keys whose rows, written by the synchronous commit path, prove their event is stored.</summary>
    private async Task<List<string>> ProvenByCommitsAsync(string project, Dictionary<string, List<string>> commitsOfKey, CancellationToken cancellationToken)
    {
        if (commitsOfKey.Count == 0) return [];
        var confirmed = await ConfirmedCommitsAsync(commitsOfKey.Values.SelectMany(c => c), cancellationToken);
        var proven = new List<string>();
        var unconfirmed = new List<string>();
        foreach (var (key, commits) in commitsOfKey)
        {
            if (commits.Any(confirmed.Contains))
                proven.Add(key);
            else
                unconfirmed.Add(key);
        }
        if (unconfirmed.Count == 0) return proven;
        // A commit that never confirmed: its events may be in, in part or not at all. Only they can tell.
        foreach (var r in await _http.QueryAsync(
            $"SELECT DISTINCT eid FROM events WHERE project = {Quote(project)} AND has_key = 1 AND eid IN {List(unconfirmed)}", cancellationToken))
            proven.Add(r[0]!);
        return proven;
    }

    private async Task<HashSet<string>> ConfirmedCommitsAsync(IEnumerable<string> commitIds, CancellationToken cancellationToken)
    {
        var ids = commitIds.Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) return [];
        var rows = await _http.QueryAsync($"SELECT DISTINCT id FROM commits WHERE id IN {List(ids)}", cancellationToken);
        return rows.Select(r => r[0]!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Records the batch's identifiers and its new links (each joins two persons: <see cref="DecideLinksAsync"/> left
    /// out the rest), then re-derives the person of every identifier whose component changed. Links are written
    /// before they are read back, so of two nodes linking into one component at the same time, the later reader sees
    /// both links and writes the whole component with the larger size, which wins at read time over the earlier,
    /// partial view.
    /// </summary>
    private async Task WriteIdentitiesAsync(HashSet<(string Project, string Ident)> actors, List<(string Project, string A, string B)> links,
        CancellationToken cancellationToken)
    {
        var rows = new StringBuilder();
        foreach (var (p, a, b) in links)
            AppendRow(rows, p, a, b, Num(NextOrd()));
        await _http.InsertAsync("links", "project, a, b, ord", rows, cancellationToken);

        var persons = new StringBuilder();
        var linked = new HashSet<(string, string)>();
        foreach (var project in links.GroupBy(l => l.Project, StringComparer.Ordinal))
        {
            var components = await ComponentsAsync(project.Key, project.SelectMany(l => new[] { l.A, l.B }), cancellationToken);
            foreach (var component in components.Components())
            {
                var size = component.Count();
                foreach (var ident in component)
                {
                    AppendRow(persons, project.Key, ident, component.Key, Num(size));
                    linked.Add((project.Key, ident));
                }
            }
        }
        // Identifiers seen alone are their own person until linked (size 1 never wins over a component's row).
        foreach (var (p, ident) in actors)
        {
            if (!linked.Contains((p, ident)))
                AppendRow(persons, p, ident, ident, "1");
        }
        await _http.InsertAsync("persons", "project, ident, person, size", persons, cancellationToken);
    }

    /// <summary>The linked components containing <paramref name="seeds"/>, following stored links to closure.</summary>
    private async Task<PersonComponents> ComponentsAsync(string project, IEnumerable<string> seeds, CancellationToken cancellationToken)
    {
        var components = new PersonComponents();
        var seen = new HashSet<string>(seeds, StringComparer.Ordinal);
        var frontier = seen.ToList();
        while (frontier.Count > 0)
        {
            foreach (var id in frontier) components.Add(id);
            var rows = new List<string?[]>();
            // In chunks: a query's text is bounded (max_query_size), and a start-up repair can seed many identifiers.
            foreach (var chunk in frontier.Chunk(IdentifierChunk))
            {
                var list = List(chunk);
                rows.AddRange(await _http.QueryAsync(
                    $"SELECT a, b FROM links WHERE project = {Quote(project)} AND (a IN {list} OR b IN {list})", cancellationToken));
            }
            frontier = [];
            foreach (var r in rows)
            {
                components.Union(r[0]!, r[1]!);
                foreach (var id in new[] { r[0]!, r[1]! })
                {
                    if (seen.Add(id)) frontier.Add(id);
                }
            }
        }
        return components;
    }
}
