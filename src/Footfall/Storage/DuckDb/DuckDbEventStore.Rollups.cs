using DuckDB.NET.Data;
using Footfall.Analytics.Definitions;
using Footfall.Experiences;

namespace Footfall.Storage.DuckDb;

/// <summary>
/// The results rollups, kept by the writer in the transaction of the rows they derive from: <c>exposed</c> (one row per
/// experience, variant and person: the first impression) and <c>attributed</c> (one row per metric event and variant
/// it converts for, under the definition in <c>rollup_definitions</c>). Both are keyed by person, so a link changes
/// only the rows of the persons it joins. A batch's persons are derived in memory (<see cref="PersonRollup"/>) from
/// their rows in the identity index; a whole experience, when its definition is saved, in SQL from the narrow tables,
/// whose attribution join is the SQL form of <see cref="ExperienceCounting.Attributes"/>.
/// </summary>
public sealed partial class DuckDbEventStore
{
    // The narrow tables keep identifiers, not persons: a row's person is its identifier's now, so a link re-keys none of
    // them (as product touches, DuckDbEventStore.ProductTouches.cs).
    private const string ExposuresWithPersons = $"(SELECT r.project, r.experience, r.variant, r.time, {RowPerson} FROM exposures {RowsWithPersons})";

    private const string MetricEventsWithPersons = $"(SELECT r.project, r.action, r.seq, r.time, {RowPerson} FROM metric_events {RowsWithPersons})";

    private const string RowsWithPersons = $"r LEFT JOIN {MovedIdents} i ON i.id = r.ident";
    private const string RowPerson = "coalesce(i.person, r.ident) AS person";

    // Conversions of the metric events by the impressions under every definition of their projects; the DISTINCT because
    // a metric event converts once per variant however many impressions of it precede it.
    private const string DeriveAttributed = $"""
        INSERT INTO attributed
        SELECT DISTINCT m.project, d.experience, x.variant, m.action, m.person, m.seq, m.time
        FROM {MetricEventsWithPersons} m
        JOIN rollup_definitions d ON d.project = m.project AND list_contains(d.metrics, m.action)
        JOIN {ExposuresWithPersons} x ON x.project = m.project AND x.experience = d.experience AND x.person = m.person
         AND x.time <= m.time AND x.time >= m.time - to_days(d.days)
        """;

    /// <summary>
    /// Brings the rollup rows of every person the commit changed up to date. Runs inside the commit's transaction, after
    /// its rows. A person's rows are those of its identifiers: the identity index holds them up to the last commit, the
    /// plan this commit's, and each takes its identifier's person as it stands after this commit's links. The rollups
    /// hold what <see cref="PersonRollup"/> derives from the rows before this commit, so for a person the commit did not
    /// link only the rows its own rows add are inserted: most impressions repeat one the person had and most metric
    /// events convert nothing, which then writes nothing. A linked person (its rows were another person's before), or one
    /// whose first impression moved earlier, has its rows deleted and all of them inserted again. The deletes go through
    /// the rollups' person indexes, whose cost grew with the store (docs/benchmarks.md section 8).
    /// </summary>
    private void RefreshRollups(CommitPlan plan)
    {
        var merged = plan.Merges.SelectMany(m => new[] { m.Absorbed, _identities.PersonOf(m.Kept) }).ToHashSet();
        var exposing = plan.Exposures.Select(x => _identities.PersonOf(x.Ident)).Concat(merged).ToHashSet();
        // A new impression may convert a person's earlier metric events (events arrive out of order), so its person counts too.
        var converting = plan.MetricEvents.Select(m => _identities.PersonOf(m.Ident)).Concat(exposing).ToHashSet();
        if (converting.Count == 0)
            return;
        var definitions = ReadRollupDefinitions();
        var (exposures, metricEvents) = Index.ResultRows(IdentifiersOf(definitions.Count > 0 ? converting : exposing));
        var before = PersonRollup.Group(exposures, metricEvents, _identities.PersonOf);
        foreach (var (ident, seq, row) in plan.Exposures)
            exposures[(ident, seq)] = row;
        foreach (var (ident, seq, row) in plan.MetricEvents)
            metricEvents[(ident, seq)] = row;
        var after = PersonRollup.Group(exposures, metricEvents, _identities.PersonOf);
        var totals = new TotalsChange();
        var exposed = Difference(exposing, merged, p => PersonRollup.Exposed(before.GetValueOrDefault(p)), p => PersonRollup.Exposed(after.GetValueOrDefault(p)),
            r => (r.Project, r.Experience, r.Variant, Impressions), totals);
        if (exposed.Redo.Count > 0)
            ChangeRollup(totals, -1, $"DELETE FROM exposed WHERE {In("person", exposed.Redo)} {ReturningExposed}");
        if (exposed.Insert.Count > 0)
        {
            var rows = exposed.Insert;
            ChangeRollup(totals, +1, $"""
                INSERT INTO exposed SELECT unnest($p), unnest($e), unnest($v), unnest($person), unnest($t) {ReturningExposed}
                """, ("p", rows.Select(r => r.Row.Project).ToList()), ("e", rows.Select(r => r.Row.Experience).ToList()),
                ("v", rows.Select(r => r.Row.Variant).ToList()), ("person", rows.Select(r => r.Person).ToList()), ("t", rows.Select(r => r.Row.FirstTime).ToList()));
        }
        if (definitions.Count > 0)
        {
            var attributed = Difference(converting, merged, p => PersonRollup.Attributed(before.GetValueOrDefault(p), definitions),
                p => PersonRollup.Attributed(after.GetValueOrDefault(p), definitions), r => (r.Project, r.Experience, r.Variant, r.Metric), totals);
            if (attributed.Redo.Count > 0)
                ChangeRollup(totals, -1, $"DELETE FROM attributed WHERE {In("person", attributed.Redo)} {ReturningAttributed}");
            if (attributed.Insert.Count > 0)
            {
                var rows = attributed.Insert;
                ChangeRollup(totals, +1, $"""
                    INSERT INTO attributed SELECT unnest($p), unnest($e), unnest($v), unnest($m), unnest($person), unnest($seq), unnest($t) {ReturningAttributed}
                    """, ("p", rows.Select(r => r.Row.Project).ToList()), ("e", rows.Select(r => r.Row.Experience).ToList()),
                    ("v", rows.Select(r => r.Row.Variant).ToList()), ("m", rows.Select(r => r.Row.Metric).ToList()), ("person", rows.Select(r => r.Person).ToList()),
                    ("seq", rows.Select(r => r.Row.Seq).ToList()), ("t", rows.Select(r => r.Row.Time).ToList()));
            }
        }
        ApplyTotals(totals);
    }

    /// <summary>
    /// What a rollup needs for <paramref name="persons"/>: the persons whose rows are deleted and inserted whole (the
    /// linked ones, and those whose rows lost one), and the rows to insert (theirs, and every other person's new rows).
    /// A person who keeps its rows and already had one of a key it gains a row of is noted in <paramref name="totals"/>,
    /// which counts each person once per key.
    /// </summary>
    private static (HashSet<long> Redo, List<(long Person, T Row)> Insert) Difference<T>(IEnumerable<long> persons, HashSet<long> merged,
        Func<long, HashSet<T>> before, Func<long, HashSet<T>> after, Func<T, (int, string, string, string)> keyOf, TotalsChange totals)
    {
        var redo = new HashSet<long>();
        var insert = new List<(long, T)>();
        foreach (var person in persons)
        {
            var now = after(person);
            if (!merged.Contains(person) && before(person) is var was && was.IsSubsetOf(now))
            {
                now.ExceptWith(was);
                var keys = was.Select(keyOf).ToHashSet();
                foreach (var key in now.Select(keyOf).Where(keys.Contains).Distinct())
                    totals.Keep(key, person);
            }
            else
            {
                redo.Add(person);
            }
            insert.AddRange(now.Select(row => (person, row)));
        }
        return (redo, insert);
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
        Execute(_writeConnection, $"{DeriveAttributed} WHERE m.project = $p AND d.experience = $e", args);
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
