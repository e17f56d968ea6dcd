using System.Text;
using Footfall.Events;
using Footfall.Storage;
using static Footfall.ClickHouse.ClickHouseSql;

namespace Footfall.ClickHouse;

/// <summary>
/// The ClickHouse store fed by a node's ingest log. ClickHouse has no transaction, so "applied once" is built from
/// marks and order instead: every event and quarantine row carries (node, log position of its entry, index in the
/// entry); a batch is inserted in this order: key claims, links and persons, events, quarantine, and last the
/// node's row in <c>log_applied</c>. The node resumes from that row. Entries after it may be in ClickHouse in part
/// (a crash or a deadline between two inserts, an insert that landed after its caller gave up), so the first batch
/// after a start or a failure first stops any insert of this node still running, then looks up which of its rows
/// are there (by the batch's own projects, actions and time range, the events' sort key: a lookup, not a scan) and
/// stores only the others. Key claims, links and persons are set-like (read through argMax or as a set), so
/// writing them again changes nothing.
/// </summary>
public sealed partial class ClickHouseEventStore : ILogSink
{
    private const string MarkColumns = "node, log_pos, log_seq";
    private const string RejectedColumns = "project, time_ms, source, error, raw, ord, idents";
    // Random keys touch about one granule each, so every look-up reads up to the whole table: one per batch, not ten.
    private const int KeysPerLookup = 50_000;
    private long _appliedPosition = -1;
    // True until a batch has been stored whole: what is after the applied position may be in ClickHouse in part.
    private bool _uncertain = true;

    /// <inheritdoc />
    // ClickHouse makes a part per insert and merges them in the background: about one insert a second suits it.
    public TimeSpan ApplyInterval => TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    /// <remarks>
    /// None: seeding a node's key index would scan every key of a shared store. A retry of a key another node (or an
    /// older version) stored is dropped when the entry is applied instead (<see cref="ClaimedElsewhereAsync"/>).
    /// </remarks>
    public IEnumerable<(string ProjectId, string Key)> StoredKeys() => [];

    private string Node => _nodeId ?? throw new InvalidOperationException("a ClickHouse store fed by an ingest log needs the node's id");

    /// <inheritdoc />
    public async Task<long> AppliedPositionAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _appliedPosition = await ReadAppliedPositionAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<long> ReadAppliedPositionAsync(CancellationToken cancellationToken)
    {
        var rows = await _http.QueryAsync($"SELECT max(position) FROM log_applied WHERE node = {Quote(Node)}", cancellationToken);
        return Long(rows[0][0]);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WriteOutcome>> ApplyAsync(IReadOnlyList<ProjectWrite> writes, IReadOnlyList<long> entryEnds,
        CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_appliedPosition < 0)
                _appliedPosition = await ReadAppliedPositionAsync(cancellationToken);
            if (entryEnds[^1] <= _appliedPosition)
                return [];
            var wasUncertain = _uncertain;
            _uncertain = true;
            var present = wasUncertain ? await RowsAlreadyStoredAsync(writes, entryEnds, cancellationToken) : [];
            var outcomes = await StoreEntriesAsync(writes, entryEnds, present, wasUncertain, cancellationToken);
            await _http.InsertAsync("log_applied", "node, position", Row(Node, Num(entryEnds[^1])), cancellationToken);
            _appliedPosition = entryEnds[^1];
            _uncertain = false;
            return outcomes;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<WriteOutcome[]> StoreEntriesAsync(IReadOnlyList<ProjectWrite> writes, IReadOnlyList<long> ends,
        HashSet<(string Table, long Position, int Seq)> present, bool replay, CancellationToken cancellationToken)
    {
        var outcomes = new WriteOutcome[writes.Count];
        var kept = new List<TrackedEvent>[writes.Count];
        var events = new StringBuilder();
        var keys = new StringBuilder();
        var rejected = new StringBuilder();
        var actors = new HashSet<(string Project, string Ident)>();
        var elsewhere = await ClaimedElsewhereAsync(writes, ends, cancellationToken);
        var keysInBatch = new HashSet<(string, string)>();
        for (var w = 0; w < writes.Count; w++)
        {
            var (write, p, end) = (writes[w], writes[w].ProjectId, ends[w]);
            kept[w] = [];
            if (end <= _appliedPosition)
                continue;
            var duplicates = 0;
            for (var i = 0; i < write.Events.Count; i++)
            {
                var e = write.Events[i];
                if (e.Key is not null && (!keysInBatch.Add((p, e.Key)) || elsewhere.Contains((p, e.Key))))
                {
                    duplicates++;
                    continue;
                }
                var actor = e.Actor.Key;
                actors.Add((p, actor));
                kept[w].Add(e);
                if (e.Key is not null)
                    AppendRow(keys, p, e.Key, actor, Num(NextOrd()), Node, Num(end));
                if (!present.Contains(("events", end, i)))
                    AppendRow(events, [.. EventFields(p, actor, NextOrd(), e), Node, Num(end), Num(i)]);
            }
            for (var i = 0; i < write.Rejected.Count; i++)
            {
                if (!present.Contains(("rejected", end, i)))
                    AppendRow(rejected, [.. RejectedFields(p, write.Rejected[i]), Node, Num(end), Num(i)]);
            }
            outcomes[w] = new WriteOutcome(kept[w].Count, duplicates);
        }
        // A refusal is numbered after the entry's rejected events, so that applying the entry again finds it stored.
        var links = await DecideLinksIntoAsync(writes, kept, actors, (w, k, refusal) =>
        {
            var seq = writes[w].Rejected.Count + k;
            if (!present.Contains(("rejected", ends[w], seq)))
                AppendRow(rejected, [.. RejectedFields(writes[w].ProjectId, refusal), Node, Num(ends[w]), Num(seq)]);
        }, outcomes, cancellationToken);
        // Claims first: another node that gets a retry of one of these keys meanwhile drops it.
        await _http.InsertAsync("event_keys", "project, key, actor, ord, node, log_pos", keys, cancellationToken);
        await WriteIdentitiesAsync(actors, links.Links, cancellationToken);
        await _http.InsertAsync("events", $"{EventColumns}, {MarkColumns}", events, cancellationToken, ApplyQueryId());
        await _http.InsertAsync("rejected", $"{RejectedColumns}, {MarkColumns}", rejected, cancellationToken, ApplyQueryId());
        // Every kept event, not only those this attempt inserted: an attempt that died after its events and before this
        // left their pairs underived. For the same reason a batch that may be in part every identifier its links name:
        // a link an earlier attempt stored is now already one person, and not among the links to store.
        await KeepAttributedAsync(Enumerable.Range(0, writes.Count).SelectMany(w => kept[w].Select(e => (writes[w].ProjectId, e))),
            replay ? links.Named : links.Joined, cancellationToken);
        return outcomes;
    }

    // Named per node so that a later start of the same node can find an insert still running and stop it.
    private string ApplyQueryId() => $"footfall-apply-{Node}-{Guid.NewGuid():N}";

    /// <summary>
    /// The (table, entry end, index) of the batch's rows ClickHouse already holds. First stops this node's inserts
    /// that may still run (a deadline releases the caller, not ClickHouse), so none lands after the look-up.
    /// </summary>
    private async Task<HashSet<(string Table, long Position, int Seq)>> RowsAlreadyStoredAsync(IReadOnlyList<ProjectWrite> writes,
        IReadOnlyList<long> ends, CancellationToken cancellationToken)
    {
        await SettleOwnInsertsAsync(cancellationToken);
        var present = new HashSet<(string, long, int)>();
        var node = Quote(Node);
        var positions = "(" + string.Join(", ", ends.Select(Num)) + ")";
        var withEvents = Enumerable.Range(0, writes.Count).Where(w => writes[w].Events.Count > 0).ToList();
        if (withEvents.Count > 0)
        {
            var all = withEvents.SelectMany(w => writes[w].Events).ToList();
            var times = all.Select(e => EventTime.ToUnixMs(e.Time)).ToList();
            var sql = $"""
                SELECT log_pos, log_seq FROM events
                WHERE project IN {List(withEvents.Select(w => writes[w].ProjectId).Distinct())} AND action IN {List(all.Select(e => e.Action).Distinct())}
                  AND time_ms >= {Num(times.Min())} AND time_ms <= {Num(times.Max())} AND node = {node} AND log_pos IN {positions}
                """;
            foreach (var r in await _http.QueryAsync(sql, cancellationToken))
                present.Add(("events", Long(r[0]), (int)Long(r[1])));
        }
        // Quarantine rows: the entry's rejected events, and the link refusals the store decided when it applied the entry
        // (timed then, so after every receive time of the entry: no upper bound is known).
        var withRejected = Enumerable.Range(0, writes.Count).Where(w => writes[w].Rejected.Count > 0 || writes[w].Events.Count > 0).ToList();
        if (withRejected.Count > 0)
        {
            var earliest = withRejected.SelectMany(w => writes[w].Rejected.Select(r => r.Time).Concat(writes[w].Events.Select(e => e.ReceivedAt)))
                .Min(EventTime.ToUnixMs);
            var sql = $"""
                SELECT log_pos, log_seq FROM rejected
                WHERE project IN {List(withRejected.Select(w => writes[w].ProjectId).Distinct())}
                  AND time_ms >= {Num(earliest)} AND node = {node} AND log_pos IN {positions}
                """;
            foreach (var r in await _http.QueryAsync(sql, cancellationToken))
                present.Add(("rejected", Long(r[0]), (int)Long(r[1])));
        }
        return present;
    }

    // An insert past the point where it can be killed ("unkillable stages", code 380) finishes on its own: wait for it.
    private async Task SettleOwnInsertsAsync(CancellationToken cancellationToken)
    {
        var own = Quote($"footfall-apply-{Node}-%");
        try
        {
            await _http.ExecuteAsync($"KILL QUERY WHERE query_id LIKE {own} SYNC", cancellationToken);
            return;
        }
        catch (ClickHouseException ex) when (ex.Message.Contains("Code: 380", StringComparison.Ordinal))
        {
        }
        while ((await _http.QueryAsync($"SELECT count() FROM system.processes WHERE query_id LIKE {own}", cancellationToken))[0][0] != "0")
            await Task.Delay(50, cancellationToken);
    }

    /// <summary>
    /// The batch's keys that are stored, or claimed, by anything but the entry itself: another node (a retry that
    /// went to the other node), an earlier entry of this node, or the synchronous commit path. A claim of this very
    /// entry is its own earlier attempt and proves nothing. Point look-ups on <c>event_keys</c>' sort key.
    /// </summary>
    private async Task<HashSet<(string, string)>> ClaimedElsewhereAsync(IReadOnlyList<ProjectWrite> writes, IReadOnlyList<long> ends,
        CancellationToken cancellationToken)
    {
        var found = new HashSet<(string, string)>();
        var entryOfKey = new Dictionary<(string Project, string Key), long>();
        for (var w = 0; w < writes.Count; w++)
        {
            foreach (var e in writes[w].Events)
            {
                if (e.Key is not null)
                    entryOfKey.TryAdd((writes[w].ProjectId, e.Key), ends[w]);
            }
        }
        foreach (var project in entryOfKey.Keys.GroupBy(k => k.Project, StringComparer.Ordinal))
        {
            var legacy = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var chunk in project.Select(k => k.Key).Chunk(KeysPerLookup))
            {
                var rows = await _http.QueryAsync(
                    $"SELECT key, node, log_pos, commit_id FROM event_keys WHERE project = {Quote(project.Key)} AND key IN {List(chunk)}", cancellationToken);
                foreach (var r in rows)
                {
                    var (key, node, position) = (r[0]!, r[1]!, Long(r[2]));
                    if (node.Length == 0)
                    {
                        if (!legacy.TryGetValue(key, out var commits))
                            legacy[key] = commits = [];
                        commits.Add(r[3]!);
                    }
                    else if (node != Node || position != entryOfKey[(project.Key, key)])
                        found.Add((project.Key, key));
                }
            }
            foreach (var key in await ProvenByCommitsAsync(project.Key, legacy, cancellationToken))
                found.Add((project.Key, key));
        }
        return found;
    }
}
