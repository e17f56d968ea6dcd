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

    // The narrow tables keep identifiers, not persons: a row's person is its identifier's now, so a link re-keys none of
    // them (as product touches, DuckDbEventStore.ProductTouches.cs).
    private const string ExposuresWithPersons = $"""
        (SELECT x.project, x.experience, x.variant, coalesce(i.person, x.ident) AS person, x.time FROM exposures x LEFT JOIN {MovedIdents} i ON i.id = x.ident)
        """;

    private const string MetricEventsWithPersons = $"""
        (SELECT m.project, m.action, coalesce(i.person, m.ident) AS person, m.seq, m.time FROM metric_events m LEFT JOIN {MovedIdents} i ON i.id = m.ident)
        """;

    /// <summary>
    /// Re-derives the rollup rows of every person the commit changed. Runs inside the commit's transaction, after its rows.
    /// A person's rows are those of its identifiers: the identity index holds them up to the last commit, the plan this
    /// commit's. Most impressions repeat one a person had and most metric events convert nothing, so a person the commit
    /// did not link is re-derived only where <see cref="PersonRollup"/> finds its rows differ with the commit's rows and
    /// without: the rollups are the derivation of the rows before this commit, and the statements below, which delete
    /// and insert through the rollups' person indexes, are what grew with the store (docs/benchmarks.md section 8).
    /// </summary>
    private void RefreshRollups(CommitPlan plan)
    {
        var merged = plan.Merges.SelectMany(m => new[] { m.Absorbed, _identities.PersonOf(m.Kept) }).ToHashSet();
        var exposed = plan.Exposures.Select(x => _identities.PersonOf(x.Ident)).Concat(merged).ToHashSet();
        // A new impression may convert a person's earlier metric events (events arrive out of order), so its person counts too.
        var converting = plan.MetricEvents.Select(m => _identities.PersonOf(m.Ident)).Concat(exposed).ToHashSet();
        if (converting.Count == 0)
            return;
        var definitions = ReadRollupDefinitions();
        if (definitions.Count == 0)
            converting = exposed;
        var (exposures, metricEvents) = Index.ResultRows(IdentifiersOf(converting));
        var before = PersonRollup.Group(exposures, metricEvents, _identities.PersonOf);
        foreach (var (ident, seq, row) in plan.Exposures)
            exposures[(ident, seq)] = row;
        foreach (var (ident, seq, row) in plan.MetricEvents)
            metricEvents[(ident, seq)] = row;
        var after = PersonRollup.Group(exposures, metricEvents, _identities.PersonOf);
        // A linked person's rows were another person's before: derived again whatever they hold.
        exposed.RemoveWhere(p => !merged.Contains(p) && PersonRollup.SameExposed(before.GetValueOrDefault(p), after.GetValueOrDefault(p)));
        if (definitions.Count > 0)
            converting.RemoveWhere(p => !merged.Contains(p) && PersonRollup.SameAttributed(before.GetValueOrDefault(p), after.GetValueOrDefault(p), definitions));
        else
            converting = [];
        var x = exposed.Concat(converting).Distinct().SelectMany(p => after.GetValueOrDefault(p)?.Exposures.Select(r => (Person: p, Row: r)) ?? []).ToList();
        (string, object?)[] args =
        [
            ("xp", x.Select(r => r.Row.Project).ToList()), ("xe", x.Select(r => r.Row.Experience).ToList()),
            ("xv", x.Select(r => r.Row.Variant).ToList()), ("xperson", x.Select(r => r.Person).ToList()), ("xt", x.Select(r => r.Row.Time).ToList()),
        ];
        const string Exposures = """
            (SELECT unnest($xp) AS project, unnest($xe) AS experience, unnest($xv) AS variant, unnest($xperson) AS person, unnest($xt) AS time)
            """;
        var totals = new TotalsChange();
        if (exposed.Count > 0)
        {
            ChangeRollup(totals, -1, $"DELETE FROM exposed WHERE {In("person", exposed)} {ReturningExposed}");
            ChangeRollup(totals, +1, $"""
                INSERT INTO exposed SELECT project, experience, variant, person, min(time) FROM {Exposures} x
                WHERE {In("person", exposed)} GROUP BY ALL {ReturningExposed}
                """, args);
        }
        if (converting.Count > 0)
        {
            var m = converting.SelectMany(p => after.GetValueOrDefault(p)?.MetricEvents.Select(r => (Person: p, r.Seq, r.Row)) ?? []).ToList();
            ChangeRollup(totals, -1, $"DELETE FROM attributed WHERE {In("person", converting)} {ReturningAttributed}");
            ChangeRollup(totals, +1, $"""
                {DeriveAttributed(
                    "(SELECT unnest($mp) AS project, unnest($ma) AS action, unnest($mperson) AS person, unnest($ms) AS seq, unnest($mt) AS time)",
                    Exposures)} {ReturningAttributed}
                """,
                [.. args, ("mp", m.Select(r => r.Row.Project).ToList()), ("ma", m.Select(r => r.Row.Action).ToList()),
                    ("mperson", m.Select(r => r.Person).ToList()), ("ms", m.Select(r => r.Seq).ToList()), ("mt", m.Select(r => r.Row.Time).ToList())]);
        }
        ApplyTotals(totals);
    }

    /// <summary>The definitions the <c>attributed</c> rollup is derived under (a handful of rows). Caller holds the gate.</summary>
    private List<PersonRollup.Definition> ReadRollupDefinitions()
    {
        var definitions = new List<PersonRollup.Definition>();
        using var reader = Query(_writeConnection, "SELECT project, experience, metrics, days FROM rollup_definitions");
        while (reader.Read())
            definitions.Add(new(reader.GetInt32(0), reader.GetString(1), reader.GetFieldValue<List<string>>(2), reader.GetInt32(3)));
        return definitions;
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
        Execute(_writeConnection, $"{DeriveAttributed(MetricEventsWithPersons, ExposuresWithPersons)} WHERE m.project = $p AND d.experience = $e", args);
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
