using DuckDB.NET.Data;
using Footfall.Analytics.Definitions;
using Footfall.Events;
using Footfall.Experiences;

namespace Footfall.Storage.DuckDb;

/// <summary>
/// The results rollups, kept by the writer in the transaction of the rows they derive from: <c>exposed</c> (one row per
/// experience, variant and person: the first impression) and <c>attributed</c> (one row per metric event and variant
/// it converts for, under the definition in <c>rollup_definitions</c>). Both are keyed by person, so a link changes
/// only the rows of the persons it joins, and both are re-derived, never adjusted: whatever a batch touches (a person's
/// impression, tracked metric event or link) is deleted and derived again from that person's narrow rows, which
/// carry their person. The attribution join is the SQL form of <see cref="ExperienceCounting.Attributes"/>.
/// </summary>
public sealed partial class DuckDbEventStore
{
    // Conversions of the metric events in m by the impressions in x (tables or CTEs) under every definition of their
    // projects; the DISTINCT because a metric event converts once per variant however many impressions of it precede it.
    private static string DeriveAttributed(string metricEvents, string exposures) => $"""
        INSERT INTO attributed
        SELECT DISTINCT m.project, d.experience, x.variant, m.action, m.person, m.seq, m.time
        FROM {metricEvents} m
        JOIN rollup_definitions d ON d.project = m.project AND list_contains(d.metrics, m.action)
        JOIN {exposures} x ON x.project = m.project AND x.experience = d.experience AND x.person = m.person
         AND x.time <= m.time AND x.time >= m.time - to_days(d.days)
        """;

    private const string DeriveExposed = """
        INSERT INTO exposed SELECT project, experience, variant, person, min(time) FROM exposures
        """;

    /// <summary>Re-derives the rollup rows of every person the commit touched. Runs inside the commit's transaction, after its rows.</summary>
    private void RefreshRollups(CommitPlan plan)
    {
        var exposed = new HashSet<long>();
        var converting = new HashSet<long>();
        lock (_trackedMetrics)
        {
            foreach (var (e, project, ident, _) in plan.Events)
            {
                if (e.Action == BuiltInActions.Impression)
                    exposed.Add(_identities.PersonOf(ident));
                else if (_trackedMetrics.Contains((project, e.Action)))
                    converting.Add(_identities.PersonOf(ident));
            }
        }
        // An absorbed person's rows are gone from the narrow tables (re-keyed): its rollup rows must go too.
        foreach (var (kept, absorbed) in plan.Merges)
        {
            exposed.Add(absorbed);
            exposed.Add(_identities.PersonOf(kept));
        }
        // The rollups are indexed by person, the narrow rows by identifier: a person's rows are those of its identifiers
        // (an absorbed person has none left). One filter a table, as DuckDB reads an index only for a filter on one column.
        var totals = new TotalsChange();
        if (exposed.Count > 0)
        {
            ChangeRollup(totals, -1, $"DELETE FROM exposed WHERE {In("person", exposed)} {ReturningExposed}");
            ChangeRollup(totals, +1, $"{DeriveExposed} WHERE {In("ident", IdentifiersOf(exposed))} GROUP BY ALL {ReturningExposed}");
        }
        // A new impression may convert a person's earlier metric events (events arrive out of order), so its person counts too.
        converting.UnionWith(exposed);
        if (converting.Count > 0 && Scalar<long>(_writeConnection, "SELECT count(*) FROM rollup_definitions") > 0)
        {
            var idents = IdentifiersOf(converting);
            ChangeRollup(totals, -1, $"DELETE FROM attributed WHERE {In("person", converting)} {ReturningAttributed}");
            // Materialized, so the join's filters do not reach the scans, which then read the identifier index.
            ChangeRollup(totals, +1, $"""
                WITH m AS MATERIALIZED (FROM metric_events WHERE {In("ident", idents)}), x AS MATERIALIZED (FROM exposures WHERE {In("ident", idents)})
                {DeriveAttributed("m", "x")} {ReturningAttributed}
                """);
        }
        ApplyTotals(totals);
    }

    /// <summary>
    /// Derives the experience's conversions under <paramref name="experience"/>'s attribution window, for its metrics and
    /// those derived before under the same window, replacing what an earlier definition derived, in one transaction.
    /// Other experiences' rows are not touched. Caller holds the gate; the metrics are tracked already.
    /// </summary>
    private void DeriveRollup(int project, ExperienceDefinition experience)
    {
        (string, object?)[] args = [("p", project), ("e", experience.ShortUid)];
        var metrics = experience.Metrics.ToHashSet(StringComparer.Ordinal);
        using (var reader = Query(_writeConnection, "SELECT unnest(metrics) FROM rollup_definitions WHERE project = $p AND experience = $e AND days = $d",
            [.. args, ("d", experience.AttributionDays)]))
        {
            while (reader.Read())
                metrics.Add(reader.GetString(0));
        }
        using var transaction = _writeConnection.BeginTransaction();
        Execute(_writeConnection, "DELETE FROM rollup_definitions WHERE project = $p AND experience = $e", args);
        Execute(_writeConnection, "INSERT INTO rollup_definitions VALUES ($p, $e, $m, $d)",
            [.. args, ("m", metrics.Order(StringComparer.Ordinal).ToList()), ("d", experience.AttributionDays)]);
        Execute(_writeConnection, "DELETE FROM attributed WHERE project = $p AND experience = $e", args);
        Execute(_writeConnection, $"{DeriveAttributed("metric_events", "exposures")} WHERE m.project = $p AND d.experience = $e", args);
        RecountConversionTotals(project, experience.ShortUid);
        transaction.Commit();
    }

    /// <summary>
    /// Derives the rollup of every saved experience that has none: a database upgraded to the rollups has its saved
    /// experiences answered from them from the first read. Caller holds the gate.
    /// </summary>
    private void DeriveMissingRollups()
    {
        var missing = new List<(int Project, ExperienceDefinition Experience)>();
        using (var reader = Query(_writeConnection, """
            SELECT e.project, e.definition FROM experiences e
            ANTI JOIN rollup_definitions r ON r.project = e.project AND r.experience = e.short_uid
            """))
        {
            while (reader.Read())
                missing.Add((reader.GetInt32(0), System.Text.Json.JsonSerializer.Deserialize<ExperienceDefinition>(reader.GetString(1), StoreJson.Options)!));
        }
        foreach (var (project, experience) in missing)
        {
            TrackMetrics(project, experience.Metrics);
            DeriveRollup(project, experience);
        }
    }

    /// <summary>Whether the rollup was derived under this definition's window for all its metrics, as <paramref name="connection"/> sees it.</summary>
    private static bool RollupAnswers(DuckDBConnection connection, int project, ExperienceDefinition experience) =>
        Scalar<long>(connection, """
            SELECT count(*) FROM rollup_definitions
            WHERE project = $p AND experience = $e AND days = $d AND list_has_all(metrics, $m)
            """, ("p", project), ("e", experience.ShortUid), ("d", experience.AttributionDays), ("m", experience.Metrics.Distinct().ToList())) > 0;
}
