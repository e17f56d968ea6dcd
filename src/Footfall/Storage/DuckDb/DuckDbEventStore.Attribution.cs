using Footfall.Events;
using Footfall.Experiences;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore
{
    // The (project, action) pairs some experience counts as a metric: their events are copied into the narrow
    // metric_events table as they are applied. A handful per project, so holding them costs nothing.
    private readonly HashSet<(int Project, string Action)> _trackedMetrics = [];

    private void LoadTrackedMetrics()
    {
        lock (_trackedMetrics)
        {
            _trackedMetrics.Clear();
            using var reader = Query(_writeConnection, "SELECT project, action FROM tracked_metrics");
            while (reader.Read())
                _trackedMetrics.Add((reader.GetInt32(0), reader.GetString(1)));
        }
    }

    private bool IsTracked(int project, IEnumerable<string> actions)
    {
        lock (_trackedMetrics)
            return actions.All(a => _trackedMetrics.Contains((project, a)));
    }

    /// <summary>
    /// Starts copying the actions' events into metric_events, back-filling the ones stored already, in one
    /// transaction so a crash leaves an action either wholly tracked or not at all. The back-filled rows are put into
    /// the identity index and flushed before that commit (they lie below its result position, so no catch-up would
    /// find them): a crash in between leaves rows of an action not tracked yet, which no rollup reads and the next
    /// try puts again. Caller holds the gate.
    /// </summary>
    private void TrackMetrics(int project, IEnumerable<string> actions)
    {
        var untracked = actions.Distinct().Where(a => !IsTracked(project, [a])).ToList();
        if (untracked.Count == 0)
            return;
        using (var transaction = _writeConnection.BeginTransaction())
        {
            using var loader = new IdentityIndex.Loader(Index);
            foreach (var action in untracked)
            {
                Execute(_writeConnection, "INSERT INTO tracked_metrics VALUES ($p, $a)", ("p", project), ("a", action));
                using var reader = Query(_writeConnection, """
                    INSERT INTO metric_events SELECT project, action, ident, time, seq FROM events WHERE project = $p AND action = $a
                    RETURNING ident, seq, time
                    """, ("p", project), ("a", action));
                for (; reader.Read(); loader.Added())
                    IdentityIndex.PutMetricEvent(loader.Batch, reader.GetInt64(0), reader.GetInt64(1), new(project, action, Utc(reader.GetDateTime(2))));
            }
            loader.Finish();
            Index.Checkpoint();
            transaction.Commit();
        }
        lock (_trackedMetrics)
            _trackedMetrics.UnionWith(untracked.Select(a => (project, a)));
    }

    /// <summary>Picks the commit's impressions and events of tracked metrics, once its events are planned. Caller holds the gate.</summary>
    private void PlanResultRows(CommitPlan plan)
    {
        lock (_trackedMetrics)
        {
            foreach (var (e, project, ident, seq) in plan.Events)
            {
                if (e.Action == BuiltInActions.Impression)
                    plan.Exposures.Add((ident, seq, new(project, e.Experience!, e.Variant!, e.Time)));
                else if (_trackedMetrics.Contains((project, e.Action)))
                    plan.MetricEvents.Add((ident, seq, new(project, e.Action, e.Time)));
            }
        }
    }

    /// <summary>The commit's impressions and events of tracked metrics, appended to their narrow tables in the commit's transaction.</summary>
    private void AppendResultRows(CommitPlan plan)
    {
        using (var appender = _writeConnection.CreateAppender("exposures"))
        {
            foreach (var (ident, _, x) in plan.Exposures)
                appender.CreateRow().AppendValue(x.Project).AppendValue(x.Experience).AppendValue(x.Variant).AppendValue(ident).AppendValue(x.Time).EndRow();
        }
        using (var appender = _writeConnection.CreateAppender("metric_events"))
        {
            foreach (var (ident, seq, m) in plan.MetricEvents)
                appender.CreateRow().AppendValue(m.Project).AppendValue(m.Action).AppendValue(ident).AppendValue(m.Time).AppendValue(seq).EndRow();
        }
    }

    /// <summary>Results from the rollups (see <see cref="Counted"/>); rows carry persons as links made them, so links count retroactively.</summary>
    private static IReadOnlyList<VariantCounts> ReadCounts(DuckDB.NET.Data.DuckDBConnection connection, ExperienceDefinition experience, TimeRange range,
        (string, object?)[] args, bool fromRollup)
    {
        // One row per variant for impressions (action NULL), one per variant and metric for conversions.
        using var reader = Query(connection, $"""
            {Counted(experience, range, fromRollup)}
            SELECT variant, NULL, count(*), min(t), 0 FROM first_exposed GROUP BY variant
            UNION ALL SELECT variant, action, count(DISTINCT person), NULL, count(*) FROM attributed GROUP BY variant, action
            """, args);
        return VariantCountsOf(reader);
    }

    /// <summary>Rows of (variant, NULL, persons, first impression, 0) and (variant, metric, converted persons, NULL, conversions).</summary>
    private static IReadOnlyList<VariantCounts> VariantCountsOf(System.Data.Common.DbDataReader reader)
    {
        var variants = new SortedDictionary<string, (long Persons, DateTime? First, Dictionary<string, MetricCounts> Metrics)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var variant = reader.GetString(0);
            var row = variants.TryGetValue(variant, out var known) ? known : (0, null, new Dictionary<string, MetricCounts>(StringComparer.Ordinal));
            if (reader.IsDBNull(1))
                row = (reader.GetInt64(2), Utc(reader.GetDateTime(3)), row.Metrics);
            else
                row.Metrics[reader.GetString(1)] = new MetricCounts(reader.GetInt64(4), reader.GetInt64(2));
            variants[variant] = row;
        }
        return variants.Select(v => new VariantCounts(v.Key, v.Value.Persons, v.Value.Metrics, v.Value.First)).ToList();
    }
}
