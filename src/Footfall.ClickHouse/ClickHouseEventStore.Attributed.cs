using System.Text;
using System.Text.Json;
using Footfall.Events;
using Footfall.Experiences;
using Footfall.Storage;
using static Footfall.ClickHouse.ClickHouseSql;

namespace Footfall.ClickHouse;

/// <summary>
/// Attributed conversions kept by the writers, as DuckDB's <c>attributed</c> rollup: one row per metric event and variant
/// it converts for (schema version 6), so results count rows and resolve only their identifiers instead of joining the
/// project's metric events with the experience's impressions. On ClickHouse the table is append-only: a person's
/// component only grows, so what a link, an impression or a metric event makes attributed stays attributed. After
/// its inserts, each batch derives the pairs of every person it touched (an impression, an event of a kept metric, a
/// link), reading what is stored; of two nodes writing into one person at once, the later reader sees both writes,
/// as for persons (ClickHouseEventStore.Write.cs). A (experience, metric, window) is kept from the moment its row is in
/// <c>attributed_definitions</c>; it is read only once a derivation over every stored event has finished after that.
/// </summary>
public sealed partial class ClickHouseEventStore
{
    private const string AttributedColumns = "project, experience, days, action, variant, time_ms, eid, actor_hash";

    private readonly record struct KeptDefinition(string Experience, string Action, long Days);

    /// <summary>
    /// Derives the attributed pairs of the persons a batch touched under every kept definition of their projects,
    /// writing those not stored yet: the actors of its <paramref name="events"/> that are impressions or kept metrics,
    /// and the identifiers its links joined (<paramref name="linkedIdents"/>). Runs after the batch's persons and events are in.
    /// </summary>
    private async Task KeepAttributedAsync(IEnumerable<(string Project, TrackedEvent Event)> events, IEnumerable<(string Project, string Ident)> linkedIdents,
        CancellationToken cancellationToken)
    {
        var linked = linkedIdents.ToHashSet();
        var byProject = events.Select(e => (e.Project, Ident: e.Event.Actor.Key, e.Event.Action, Time: EventTime.ToUnixMs(e.Event.Time)))
            .Concat(linked.Select(l => (l.Project, l.Ident, Action: "", Time: 0L)))
            .GroupBy(t => t.Project, StringComparer.Ordinal);
        foreach (var project in byProject)
        {
            var p = Quote(project.Key);
            var kept = (await _http.QueryAsync(
                    $"SELECT DISTINCT experience, action, days FROM attributed_definitions WHERE project = {p}", cancellationToken))
                .Select(r => new KeptDefinition(r[0]!, r[1]!, Long(r[2]))).ToList();
            if (kept.Count == 0)
                continue;
            var actions = kept.Select(d => d.Action).ToHashSet(StringComparer.Ordinal);
            var byEvent = project.Where(t => !linked.Contains((t.Project, t.Ident)) && (t.Action == BuiltInActions.Impression || actions.Contains(t.Action))).ToList();
            // A pair that a batch's event makes has the event on one side and the other side at most a window before it;
            // a link's can be of any time.
            var since = byEvent.Count == 0 ? 0 : byEvent.Min(t => t.Time) - kept.Max(d => d.Days) * DayMs;
            foreach (var chunk in byEvent.Select(t => t.Ident).Distinct(StringComparer.Ordinal).Chunk(IdentifierChunk))
                await DerivePairsAsync(p, kept, chunk, since, cancellationToken);
            foreach (var chunk in project.Where(t => linked.Contains((t.Project, t.Ident))).Select(t => t.Ident).Distinct(StringComparer.Ordinal).Chunk(IdentifierChunk))
                await DerivePairsAsync(p, kept, chunk, null, cancellationToken);
        }
    }

    // Writes the attributed pairs of the persons of `idents` that attributed does not hold yet, of events and impressions
    // from `since` on (Unix ms; null for all time). The persons' identifiers are read once, then named in the derivation
    // as literal hashes: a subquery would run again for each of the five places that use them (measured 0.5 s each at 10M
    // events on a loaded machine).
    private async Task DerivePairsAsync(string p, List<KeptDefinition> kept, IReadOnlyList<string> idents, long? since, CancellationToken cancellationToken)
    {
        var personOf = await PersonHashesAsync(p, idents, cancellationToken);
        var members = "(" + string.Join(", ", personOf.Keys) + ")";
        var linked = personOf.Where(m => m.Key != m.Value).ToList();
        // An identifier that never linked is its own person.
        var person = linked.Count == 0 ? "actor_hash"
            : $"transform(actor_hash, [{string.Join(", ", linked.Select(m => m.Key))}], [{string.Join(", ", linked.Select(m => m.Value))}], actor_hash)";
        var from = since is { } ms ? $"time_ms >= {Num(ms)}" : "1";
        var definitions = "[" + string.Join(", ", kept.Select(d => $"({Quote(d.Experience)}, {Quote(d.Action)}, {Num(d.Days)})")) + "]";
        await _http.ExecuteAsync($"""
            INSERT INTO attributed ({AttributedColumns})
            SELECT {p}, experience, days, action, variant, time_ms, eid, actor_hash FROM (
                SELECT experience, days, action, variant, time_ms, eid, actor_hash, imp_time FROM (
                    SELECT {person} AS person, actor_hash, action, time_ms, eid FROM events
                    WHERE project = {p} AND action IN {List(kept.Select(d => d.Action).Distinct())} AND {from} AND actor_hash IN {members})
                ALL INNER JOIN (
                    SELECT person, experience, variant, imp_time, tupleElement(definition, 2) AS action, toInt64(tupleElement(definition, 3)) AS days FROM (
                        SELECT {person} AS person, experience, variant, time_ms AS imp_time, arrayJoin({definitions}) AS definition FROM exposures
                        WHERE project = {p} AND experience IN {List(kept.Select(d => d.Experience).Distinct())} AND {from} AND actor_hash IN {members})
                    WHERE tupleElement(definition, 1) = experience)
                USING person, action)
            WHERE imp_time <= time_ms AND imp_time >= time_ms - days * {DayMs}
              AND (experience, days, variant, eid) NOT IN (
                SELECT experience, toInt64(days), variant, eid FROM attributed WHERE project = {p} AND {from} AND actor_hash IN {members})
            GROUP BY experience, days, action, variant, time_ms, eid, actor_hash
            """, cancellationToken, insertInto: "attributed");
    }

    // Identifier hash -> person hash of every identifier of the persons of `idents`: a person's rows in person_members
    // under its current key (a link rewrites the whole component under the new key), or the identifier alone when it
    // never linked.
    private async Task<Dictionary<string, string>> PersonHashesAsync(string p, IReadOnlyList<string> idents, CancellationToken cancellationToken)
    {
        var rows = await _http.QueryAsync($"""
            SELECT ident_hash, argMax(cityHash64(person), size), 0 FROM person_members
            WHERE project = {p} AND person IN (SELECT argMax(person, size) FROM linked_persons WHERE project = {p} AND ident IN {List(idents)} GROUP BY ident)
            GROUP BY ident_hash
            UNION ALL SELECT cityHash64(ident), cityHash64(ident), 1 FROM (SELECT arrayJoin([{string.Join(", ", idents.Select(Quote))}]) AS ident)
            """, cancellationToken);
        var personOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in rows.OrderBy(r => r[2], StringComparer.Ordinal))
            personOf.TryAdd(r[0]!, r[1]!);
        return personOf;
    }

    /// <summary>
    /// Makes the applier keep <paramref name="experience"/>'s metrics under its window and derives their pairs over every
    /// stored event; the metrics already derived under that window are left alone. The rows marked kept come first:
    /// a batch stored after this derivation's read began sees them and derives its own persons' pairs.
    /// </summary>
    private async Task DeriveAttributedAsync(string projectId, ExperienceDefinition experience, CancellationToken cancellationToken)
    {
        var p = Quote(projectId);
        var missing = experience.Metrics.Distinct(StringComparer.Ordinal).Except(await ReadyMetricsAsync(p, experience, cancellationToken)).ToList();
        if (missing.Count == 0)
            return;
        await MarkKeptAsync(projectId, experience, missing, ready: false, cancellationToken);
        await _http.ExecuteAsync($"""
            INSERT INTO attributed ({AttributedColumns})
            SELECT {p}, {Quote(experience.ShortUid)}, {Num(experience.AttributionDays)}, action, variant, time_ms, eid, actor_hash
            FROM ({Attributed(p, experience with { Metrics = missing }, TimeRange.All)})
            """, cancellationToken, insertInto: "attributed");
        await MarkKeptAsync(projectId, experience, missing, ready: true, cancellationToken);
    }

    private Task MarkKeptAsync(string projectId, ExperienceDefinition experience, List<string> metrics, bool ready, CancellationToken cancellationToken)
    {
        var rows = new StringBuilder();
        foreach (var metric in metrics)
            AppendRow(rows, projectId, experience.ShortUid, metric, Num(experience.AttributionDays), ready ? "1" : "0");
        return _http.InsertAsync("attributed_definitions", "project, experience, action, days, ready", rows, cancellationToken);
    }

    private async Task<HashSet<string>> ReadyMetricsAsync(string p, ExperienceDefinition experience, CancellationToken cancellationToken) =>
        (await _http.QueryAsync($"""
            SELECT DISTINCT action FROM attributed_definitions
            WHERE project = {p} AND experience = {Quote(experience.ShortUid)} AND days = {Num(experience.AttributionDays)} AND ready = 1
            """, cancellationToken)).Select(r => r[0]!).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether attributed holds every metric of <paramref name="experience"/> under its window.</summary>
    private async Task<bool> AttributedAnswersAsync(string p, ExperienceDefinition experience, CancellationToken cancellationToken) =>
        (await ReadyMetricsAsync(p, experience, cancellationToken)).IsSupersetOf(experience.Metrics);

    /// <summary>
    /// Derives the attributed pairs of every saved experience not derived under its definition yet: a database upgraded
    /// to schema version 6 answers its saved experiences from attributed from the first read.
    /// </summary>
    private async Task DeriveSavedExperiencesAsync(CancellationToken cancellationToken)
    {
        foreach (var r in await _http.QueryAsync("SELECT project, argMax(definition, ord) FROM experiences GROUP BY project, short_uid", cancellationToken))
            await DeriveAttributedAsync(r[0]!, JsonSerializer.Deserialize<ExperienceDefinition>(r[1]!, StoreJson.Options)!, cancellationToken);
    }
}
