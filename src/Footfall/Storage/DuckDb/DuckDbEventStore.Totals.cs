using System.Data.Common;
using DuckDB.NET.Data;
using Footfall.Experiences;

namespace Footfall.Storage.DuckDb;

/// <summary>
/// <c>variant_totals</c>: per experience, variant and metric (<c>''</c> for impressions) the all-time answer of results:
/// distinct persons, events and the first impression. Counting the rollups grows with exposed persons (204K rows of one
/// experience at 10M events, 30-80 ms); these rows do not. They change in the transactions that change <c>exposed</c>
/// and <c>attributed</c>, by the rows those statements delete and insert (read back with RETURNING, so the upkeep adds
/// no scan): a person's old rows are subtracted and their re-derived rows added. Ranged results still count the rollups.
/// </summary>
public sealed partial class DuckDbEventStore
{
    private const string Impressions = "";

    /// <summary>What an <c>exposed</c> statement returns for <see cref="TotalsChange.Read"/>.</summary>
    private const string ReturningExposed = "RETURNING project, experience, variant, '' AS metric, person, first_time";

    /// <summary>What an <c>attributed</c> statement returns for <see cref="TotalsChange.Read"/>.</summary>
    private const string ReturningAttributed = "RETURNING project, experience, variant, metric, person, time";

    /// <summary>Runs a rollup statement ending in a RETURNING clause and notes its rows as removed (-1) or added (+1).</summary>
    private void ChangeRollup(TotalsChange change, int sign, string statement, params (string Name, object? Value)[] args)
    {
        using var reader = Query(_writeConnection, statement, args);
        change.Read(reader, sign);
    }

    /// <summary>Adds a batch's change to <c>variant_totals</c>, in the caller's transaction. Caller holds the gate.</summary>
    private void ApplyTotals(TotalsChange change)
    {
        var changed = change.Changes.Where(c => c.Value.Persons != 0 || c.Value.Events != 0 || c.Value.FirstTime is not null).ToList();
        if (changed.Count == 0)
            return;
        // All of the batch's keys in two statements (one or two a key, each prepared on its own, were 17% of the apply time
        // of a 10M-event import). The first impression only ever moves earlier here: a link re-keys persons but keeps every
        // impression. The insert runs after the update, so it adds only the keys no row held.
        (string, object?)[] args =
        [
            ("p", changed.Select(c => c.Key.Project).ToList()), ("e", changed.Select(c => c.Key.Experience).ToList()),
            ("v", changed.Select(c => c.Key.Variant).ToList()), ("m", changed.Select(c => c.Key.Metric).ToList()),
            ("persons", changed.Select(c => c.Value.Persons).ToList()), ("events", changed.Select(c => c.Value.Events).ToList()),
            ("first", changed.Select(c => c.Value.FirstTime).ToList()),
        ];
        const string Changed = """
            (SELECT unnest($p) AS project, unnest($e) AS experience, unnest($v) AS variant, unnest($m) AS metric,
                    unnest($persons) AS persons, unnest($events) AS events, unnest($first) AS first_time)
            """;
        Execute(_writeConnection, $"""
            UPDATE variant_totals t SET persons = t.persons + c.persons, events = t.events + c.events, first_time = least(t.first_time, c.first_time)
            FROM {Changed} c
            WHERE t.project = c.project AND t.experience = c.experience AND t.variant = c.variant AND t.metric = c.metric
            """, args);
        Execute(_writeConnection, $"""
            INSERT INTO variant_totals
            SELECT * FROM {Changed} c
            ANTI JOIN variant_totals t ON t.project = c.project AND t.experience = c.experience AND t.variant = c.variant AND t.metric = c.metric
            """, args);
    }

    /// <summary>
    /// After an erasure took impressions away, the first impression of each variant whose first it took is found again.
    /// The others keep theirs: a recount reads every exposed row of the variant (22-44 ms a variant at 100M events, four
    /// of them in an active person's erasure), and an erased person rarely holds a variant's first impression.
    /// </summary>
    private void RecountFirstImpressions(TotalsChange change)
    {
        foreach (var ((project, experience, variant, _), removed) in change.Changes.Where(c => c.Key.Metric == Impressions))
        {
            (string, object?)[] args = [("p", project), ("e", experience), ("v", variant)];
            using (var reader = Query(_writeConnection,
                "SELECT first_time FROM variant_totals WHERE project = $p AND experience = $e AND variant = $v AND metric = ''", args))
            {
                if (removed.RemovedFirstTime is { } taken && reader.Read() && !reader.IsDBNull(0) && reader.GetDateTime(0) < taken)
                    continue;
            }
            Execute(_writeConnection, """
                UPDATE variant_totals SET first_time = (
                    SELECT min(first_time) FROM exposed WHERE project = $p AND experience = $e AND variant = $v)
                WHERE project = $p AND experience = $e AND variant = $v AND metric = ''
                """, args);
        }
    }

    /// <summary>Counts an experience's conversion totals again after its <c>attributed</c> rows were derived anew.</summary>
    private void RecountConversionTotals(int project, string experience)
    {
        (string, object?)[] args = [("p", project), ("e", experience)];
        Execute(_writeConnection, "DELETE FROM variant_totals WHERE project = $p AND experience = $e AND metric <> ''", args);
        Execute(_writeConnection, """
            INSERT INTO variant_totals
            SELECT project, experience, variant, metric, count(DISTINCT person), count(*), NULL FROM attributed
            WHERE project = $p AND experience = $e GROUP BY ALL
            """, args);
    }

    /// <summary>All-time results from <c>variant_totals</c>, in the rows <see cref="ReadCounts"/> reads from the rollups.</summary>
    private static IReadOnlyList<VariantCounts> ReadTotals(DuckDBConnection connection, int project, ExperienceDefinition experience)
    {
        using var reader = Query(connection, """
            SELECT variant, nullif(metric, ''), persons, first_time, events FROM variant_totals
            WHERE project = $p AND experience = $e AND (metric = '' AND persons > 0 OR list_contains($m, metric) AND events > 0)
            """, ("p", project), ("e", experience.ShortUid), ("m", experience.Metrics.ToList()));
        return VariantCountsOf(reader);
    }

    /// <summary>What a batch of rollup statements changed in <c>variant_totals</c>, collected from their returned rows.</summary>
    private sealed class TotalsChange
    {
        private readonly Dictionary<(int Project, string Experience, string Variant, string Metric), Change> _changes = [];

        public bool IsEmpty => _changes.Count == 0;

        public IEnumerable<KeyValuePair<(int Project, string Experience, string Variant, string Metric), Change>> Changes => _changes;

        /// <summary>Reads rows of (project, experience, variant, metric, person, time) removed (sign -1) or added (+1).</summary>
        public void Read(DbDataReader reader, int sign)
        {
            while (reader.Read())
            {
                var key = (reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
                if (!_changes.TryGetValue(key, out var change))
                    _changes[key] = change = new Change();
                var person = reader.GetInt64(4);
                change.Events += sign;
                if (sign < 0)
                {
                    change.Removed.Add(person);
                    var time = reader.GetDateTime(5);
                    if (key.Item4 == Impressions && (change.RemovedFirstTime is not { } first || time < first))
                        change.RemovedFirstTime = time;
                }
                else
                {
                    change.Added.Add(person);
                    var time = reader.GetDateTime(5);
                    if (key.Item4 == Impressions && (change.FirstTime is not { } first || time < first))
                        change.FirstTime = time;
                }
            }
        }

        /// <summary>Notes a person who has rows of the key before and after the batch, none of them returned by a statement.</summary>
        public void Keep((int Project, string Experience, string Variant, string Metric) key, long person)
        {
            if (!_changes.TryGetValue(key, out var change))
                _changes[key] = change = new Change();
            change.Removed.Add(person);
            change.Added.Add(person);
        }
    }

    /// <summary>One key's change: rows are per person, so persons with a row before and after give the distinct count.</summary>
    private sealed class Change
    {
        public HashSet<long> Removed { get; } = [];

        public HashSet<long> Added { get; } = [];

        public long Events { get; set; }

        public DateTime? FirstTime { get; set; }

        /// <summary>The earliest first impression among the removed rows (impressions only).</summary>
        public DateTime? RemovedFirstTime { get; set; }

        public long Persons => Added.Count - Removed.Count;
    }
}
