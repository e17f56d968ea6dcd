using System.Text;
using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Storage;
using static Footfall.ClickHouse.ClickHouseSql;

namespace Footfall.ClickHouse;

public sealed partial class ClickHouseEventStore : IPeopleStore
{
    /// <inheritdoc />
    public async Task<PersonRecord?> FindPersonAsync(string projectId, Identifier identifier, CancellationToken cancellationToken = default)
    {
        if (await MembersAsync(projectId, identifier, cancellationToken) is not { } members)
            return null;
        var p = Quote(projectId);
        var idents = List(members);
        var summary = (await _http.QueryAsync(
            $"SELECT uniqExact(eid), min(time_ms), max(time_ms) FROM events_by_actor WHERE project = {p} AND actor IN {idents}", cancellationToken))[0];
        var count = Long(summary[0]);
        // Latest wins across all of the person's identifiers, as in the DuckDB store.
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in await _http.QueryAsync(
            $"SELECT name, argMax(value, ord) FROM attributes WHERE project = {p} AND ident IN {idents} GROUP BY name", cancellationToken))
            attributes[r[0]!] = r[1]!;
        return new PersonRecord(members.Select(Identifier.FromKey).ToList(), attributes, count,
            count > 0 ? Time(summary[1]) : null, count > 0 ? Time(summary[2]) : null);
    }

    /// <inheritdoc />
    public async Task<ActivityPage> GetActivityAsync(string projectId, Identifier identifier, int limit, ActivityCursor? before = null,
        CancellationToken cancellationToken = default)
    {
        if (await MembersAsync(projectId, identifier, cancellationToken) is not { } members)
            return new ActivityPage([], null);
        // ord is unique per node, so two nodes' events can share (time_ms, ord): eid breaks that tie. The cursor is applied
        // after LIMIT 1 BY eid drops a keyed event's second copy (two nodes raced to store it), so a copy never returns
        // on a later page.
        var after = before is { } c
            ? $"time_ms < {Num(c.TimeMs)} OR (time_ms = {Num(c.TimeMs)} AND (ord < {Num(c.Order)} OR (ord = {Num(c.Order)} AND eid < {Quote(c.Tiebreak)})))"
            : "1";
        // events_by_actor is sorted by identifier: the page reads its identifiers' granules, whatever their history spans.
        var rows = await _http.QueryAsync($"""
            SELECT * FROM (
                SELECT eid, has_key, action, time_ms, received_ms, user_id, guest_id, session_id, experience, variant, target,
                       source_id, label, params, source, ord
                FROM events_by_actor WHERE project = {Quote(projectId)} AND actor IN {List(members)}
                ORDER BY time_ms DESC, ord DESC, eid DESC LIMIT 1 BY eid)
            WHERE {after}
            ORDER BY time_ms DESC, ord DESC, eid DESC LIMIT {Num((long)Math.Max(0, limit) + 1)}
            """, cancellationToken);
        var events = rows.Take(limit).Select(ReadEvent).ToList();
        var last = rows.Count > limit && limit > 0 ? rows[limit - 1] : null;
        return new ActivityPage(events, last is null ? null : ActivityCursor.After(events[^1], Long(last[15]!), last[0]!));
    }

    private static TrackedEvent ReadEvent(string?[] r) => new()
    {
        Key = r[1] == "1" ? r[0] : null,
        Action = r[2]!,
        Time = Time(r[3]),
        ReceivedAt = Time(r[4]),
        UserId = r[5],
        GuestId = r[6],
        SessionId = r[7],
        Experience = r[8],
        Variant = r[9],
        Target = TargetJson.Read(r[10]),
        SourceId = r[11],
        Label = r[12],
        ParamsJson = r[13],
        Source = r[14]!,
    };

    /// <inheritdoc />
    public async Task SetAttributesAsync(string projectId, Identifier identifier, IReadOnlyDictionary<string, string> attributesJson, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var rows = new StringBuilder();
            foreach (var (name, value) in attributesJson)
                AppendRow(rows, projectId, identifier.Key, name, value, Num(NextOrd()));
            // The identifier becomes known (a person of its own unless already linked).
            await _http.InsertAsync("persons", "project, ident, person, size", Row(projectId, identifier.Key, identifier.Key, "1"), cancellationToken);
            await _http.InsertAsync("attributes", "project, ident, name, value, ord", rows, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// ClickHouse deletes through mutations, which run in the background; this waits until every one has finished,
    /// so when it returns no node can read anything of the person. Mutations name rows by the hashes of the person's
    /// identifiers only (see <see cref="ClickHouseSchema.Migrations"/>, version 2), and only tables that hold a matching row get one,
    /// since each mutation rewrites every part of its table. The parts they supersede are removed by ClickHouse itself,
    /// <c>old_parts_lifetime</c> (8 minutes by default) later.
    /// </remarks>
    public async Task<long> ErasePersonAsync(string projectId, Identifier identifier, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var members = await MembersAsync(projectId, identifier, cancellationToken) ?? [];
            var p = Quote(projectId);
            var erased = Long((await _http.QueryAsync(
                $"SELECT uniqExact(eid) FROM events_by_actor WHERE project = {p} AND actor IN {List(members)}", cancellationToken))[0][0]);
            // Rejected events name identifiers that may belong to no stored person: the one asked for always counts.
            var hashes = (await _http.QueryAsync(
                    $"SELECT DISTINCT cityHash64(k) FROM (SELECT arrayJoin([{string.Join(", ", members.Append(identifier.Key).Select(Quote))}]) AS k)",
                    cancellationToken))
                .Select(r => r[0]!).ToList();
            var h = "(" + string.Join(", ", hashes) + ")";
            (string Table, string Where)[] deletes =
            [
                ("events", $"project = {p} AND actor_hash IN {h}"),
                ("events_by_actor", $"project = {p} AND actor_hash IN {h}"),
                ("exposures", $"project = {p} AND actor_hash IN {h}"),
                ("attributed", $"project = {p} AND actor_hash IN {h}"),
                ("product_touches", $"project = {p} AND actor_hash IN {h}"),
                ("event_keys", $"project = {p} AND actor_hash IN {h}"),
                ("attributes", $"project = {p} AND ident_hash IN {h}"),
                ("rejected", $"project = {p} AND hasAny(ident_hashes, [{string.Join(", ", hashes)}])"),
                ("links", $"project = {p} AND (a_hash IN {h} OR b_hash IN {h})"),
                ("persons", $"project = {p} AND ident_hash IN {h}"),
                ("linked_persons", $"project = {p} AND ident_hash IN {h}"),
                ("person_members", $"project = {p} AND ident_hash IN {h}"),
            ];
            foreach (var (table, where) in deletes)
            {
                if (Long((await _http.QueryAsync($"SELECT count() FROM {table} WHERE {where}", cancellationToken))[0][0]) > 0)
                    await _shards.ExecuteAsync(_ddl.Delete(table, where), cancellationToken);
            }
            await WaitForMutationsAsync(cancellationToken);
            return erased;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task WaitForMutationsAsync(CancellationToken cancellationToken)
    {
        var pending = $"FROM {_ddl.Mutations(_settings.Username, _settings.Password)} WHERE database = {Quote(_settings.Database)} AND is_done = 0";
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (Long((await _http.QueryAsync("SELECT count() " + pending, cancellationToken))[0][0]) > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                var stuck = await _http.QueryAsync("SELECT table, mutation_id, parts_to_do " + pending, cancellationToken);
                throw new TimeoutException("ClickHouse did not finish the erasure's mutations in 10 minutes: " +
                    string.Join("; ", stuck.Select(r => $"{r[0]} {r[1]} ({r[2]} parts to do)")));
            }
            // ClickHouse 18.16 has no synchronous mutations (mutations_sync came later): poll its progress.
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The identifier keys of the person <paramref name="identifier"/> belongs to, or null when it is unknown.</summary>
    private async Task<List<string>?> MembersAsync(string projectId, Identifier identifier, CancellationToken cancellationToken)
    {
        var p = Quote(projectId);
        var person = await _http.QueryAsync(
            $"SELECT argMax(person, size) FROM persons WHERE project = {p} AND ident = {Quote(identifier.Key)} GROUP BY ident", cancellationToken);
        if (person.Count == 0)
            return null;
        // The candidates are the identifiers that ever had this person (plus the person's own key, which names an unlinked
        // person); persons says which of them have it now. Both reads go through a sort key.
        var named = Quote(person[0][0]!);
        var rows = await _http.QueryAsync($"""
            SELECT ident FROM persons WHERE project = {p} AND ident IN (
                SELECT ident FROM person_members WHERE project = {p} AND person = {named}
                UNION ALL SELECT {named} UNION ALL SELECT {Quote(identifier.Key)})
            GROUP BY ident HAVING argMax(person, size) = {named} ORDER BY ident
            """, cancellationToken);
        return rows.Select(r => r[0]!).ToList();
    }
}
