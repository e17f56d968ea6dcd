using Footfall.Analytics;
using Footfall.Events;
using Footfall.Experiences;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore
{
    // Results come from this index, kept current by every commit, link and erasure, not from SQL over raw events:
    // SQL over millions of events with persons joined at query time takes seconds (docs/benchmarks.md).
    private readonly AttributionIndex _attribution = new();

    /// <summary>Rebuilds the index from the file: impressions, and the events of every experience's metrics.</summary>
    private void LoadAttribution()
    {
        lock (_attribution)
        {
            _attribution.Clear();
            using (var reader = Query(_writeConnection, "SELECT project, experience, variant, ident, epoch_ms(time) FROM exposures"))
            {
                while (reader.Read())
                {
                    _attribution.AddExposure(reader.GetInt32(0), reader.GetString(1), reader.GetString(2),
                        _identities.PersonOf(reader.GetInt64(3)), reader.GetInt64(4));
                }
            }
            var metrics = new List<(int Project, string Action)>();
            using (var reader = Query(_writeConnection, "SELECT project, definition FROM experiences"))
            {
                while (reader.Read())
                {
                    var definition = System.Text.Json.JsonSerializer.Deserialize<ExperienceDefinition>(reader.GetString(1), StoreJson.Options)!;
                    metrics.AddRange(definition.Metrics.Select(m => (reader.GetInt32(0), m)));
                }
            }
            foreach (var (project, action) in metrics.Distinct())
                TrackAction(project, action);
        }
    }

    /// <summary>Starts indexing a metric action and files its stored events. Caller holds the gate and the index.</summary>
    private void TrackAction(int project, string action)
    {
        if (_attribution.IsTracked(project, action))
            return;
        _attribution.Track(project, action);
        using var reader = Query(_writeConnection, "SELECT ident, epoch_ms(time), seq FROM events WHERE project = $p AND action = $a",
            ("p", project), ("a", action));
        while (reader.Read())
            _attribution.AddAction(project, action, _identities.PersonOf(reader.GetInt64(0)), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>Files a committed plan: merges first, in order, then the new events under their final persons.</summary>
    private void IndexCommitted(CommitPlan plan)
    {
        lock (_attribution)
        {
            foreach (var (kept, absorbed) in plan.Merges)
                _attribution.Merge(_identities.ProjectOf(absorbed), absorbed, kept);
            foreach (var (e, project, ident, seq) in plan.Events)
            {
                var person = _identities.PersonOf(ident);
                var time = EventTime.ToUnixMs(e.Time);
                if (e.Action == BuiltInActions.Impression)
                    _attribution.AddExposure(project, e.Experience!, e.Variant!, person, time);
                _attribution.AddAction(project, e.Action, person, time, seq);
            }
        }
    }

    /// <summary>Indexes the metrics an experience introduces. Caller holds the gate.</summary>
    private void TrackMetrics(int project, ExperienceDefinition experience)
    {
        lock (_attribution)
        {
            foreach (var metric in experience.Metrics)
                TrackAction(project, metric);
        }
    }
}
