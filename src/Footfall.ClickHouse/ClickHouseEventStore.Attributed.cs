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
                await _http.ExecuteAsync($"INSERT INTO attributed ({AttributedColumns}) {TouchedPairs(p, kept, chunk, since)}", cancellationToken, insertInto: "attributed");
            foreach (var chunk in project.Where(t => linked.Contains((t.Project, t.Ident))).Select(t => t.Ident).Distinct(StringComparer.Ordinal).Chunk(IdentifierChunk))
                await _http.ExecuteAsync($"INSERT INTO attributed ({AttributedColumns}) {TouchedPairs(p, kept, chunk, null)}", cancellationToken, insertInto: "attributed");
        }
    }

    // The attributed pairs of the persons of `idents` that attributed does not hold yet, of events and impressions from
    // `since` on (Unix ms; null for all time). A person's identifiers are its rows in person_members under its current
    // key (a link rewrites the whole component under the new key), or the identifier alone when it never linked; both
    // sides read only those identifiers' rows.
    private static string TouchedPairs(string p, List<KeptDefinition> kept, IReadOnlyList<string> idents, long? since)
    {
        var from = since is { } ms ? $"time_ms >= {Num(ms)}" : "1";
        var named = List(idents);
        var persons = $"SELECT argMax(person, size) FROM linked_persons WHERE project = {p} AND ident IN {named} GROUP BY ident";
        var members = $"""
            SELECT ident_hash FROM person_members WHERE project = {p} AND person IN ({persons})
            UNION ALL SELECT cityHash64(arrayJoin([{string.Join(", ", idents.Select(Quote))}]))
            """;
        var personOf = $"""
            SELECT ident_hash AS actor_hash, argMax(cityHash64(person), size) AS mapped FROM person_members
            WHERE project = {p} AND person IN ({persons}) GROUP BY ident_hash
            """;
        var definitions = "[" + string.Join(", ", kept.Select(d => $"({Quote(d.Experience)}, {Quote(d.Action)}, {Num(d.Days)})")) + "]";
        return $"""
            SELECT {p}, experience, days, action, variant, time_ms, eid, actor_hash FROM (
                SELECT experience, days, action, variant, time_ms, eid, actor_hash, imp_time FROM (
                    SELECT if(mapped = 0, actor_hash, mapped) AS person, actor_hash, action, time_ms, eid FROM (
                        SELECT actor_hash, action, time_ms, eid FROM events
                        WHERE project = {p} AND action IN {List(kept.Select(d => d.Action).Distinct())} AND {from} AND actor_hash IN ({members}))
                    ANY LEFT JOIN ({personOf}) USING actor_hash)
                ALL INNER JOIN (
                    SELECT person, experience, variant, imp_time, tupleElement(definition, 2) AS action, toInt64(tupleElement(definition, 3)) AS days FROM (
                        SELECT if(mapped = 0, actor_hash, mapped) AS person, experience, variant, imp_time, definition FROM (
                            SELECT actor_hash, experience, variant, time_ms AS imp_time, arrayJoin({definitions}) AS definition FROM exposures
                            WHERE project = {p} AND experience IN {List(kept.Select(d => d.Experience).Distinct())} AND {from} AND actor_hash IN ({members}))
                        ANY LEFT JOIN ({personOf}) USING actor_hash)
                    WHERE tupleElement(definition, 1) = experience)
                USING person, action)
            WHERE imp_time <= time_ms AND imp_time >= time_ms - days * {DayMs}
              AND (experience, days, variant, eid) NOT IN (
                SELECT experience, toInt64(days), variant, eid FROM attributed WHERE project = {p} AND {from} AND actor_hash IN ({members}))
            GROUP BY experience, days, action, variant, time_ms, eid, actor_hash
            """;
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
        var rows = new System.Text.StringBuilder();
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
        foreach (var project in await ListProjectsAsync(cancellationToken))
        {
            foreach (var experience in await ListExperiencesAsync(project.Id, cancellationToken))
                await DeriveAttributedAsync(project.Id, experience, cancellationToken);
        }
    }
}
