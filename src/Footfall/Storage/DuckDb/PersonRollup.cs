using Footfall.Analytics.Definitions;

namespace Footfall.Storage.DuckDb;

/// <summary>
/// The rollup rows of one person's impressions and metric events, derived in memory: what <c>exposed</c> and
/// <c>attributed</c> hold for them, by <see cref="ExperienceCounting.Attributes"/> (the store's <c>DeriveAttributed</c> is the
/// SQL form, used when a whole experience is derived). The writer derives a person's rows with and without a
/// commit's own rows, and writes only the difference.
/// </summary>
internal static class PersonRollup
{
    /// <summary>A row of <c>rollup_definitions</c>: the metrics of an experience and the window they are attributed in.</summary>
    public sealed record Definition(int Project, string Experience, IReadOnlyList<string> Metrics, int Days);

    /// <summary>A person's impressions and metric events (by seq).</summary>
    public sealed class Rows
    {
        public List<IdentityIndex.Exposure> Exposures { get; } = [];

        public List<(long Seq, IdentityIndex.MetricEvent Row)> MetricEvents { get; } = [];
    }

    /// <summary>Rows keyed by (identifier, seq), grouped by the person <paramref name="personOf"/> gives each identifier.</summary>
    public static Dictionary<long, Rows> Group(Dictionary<(long Ident, long Seq), IdentityIndex.Exposure> exposures,
        Dictionary<(long Ident, long Seq), IdentityIndex.MetricEvent> metricEvents, Func<long, long> personOf)
    {
        var persons = new Dictionary<long, Rows>();
        Rows Of(long ident)
        {
            var person = personOf(ident);
            if (!persons.TryGetValue(person, out var rows))
                persons[person] = rows = new Rows();
            return rows;
        }
        foreach (var ((ident, _), row) in exposures)
            Of(ident).Exposures.Add(row);
        foreach (var ((ident, seq), row) in metricEvents)
            Of(ident).MetricEvents.Add((seq, row));
        return persons;
    }

    /// <summary>The person's <c>exposed</c> rows: the first impression per experience and variant.</summary>
    public static HashSet<(int Project, string Experience, string Variant, DateTime FirstTime)> Exposed(Rows? rows) =>
        (rows?.Exposures ?? []).GroupBy(x => (x.Project, x.Experience, x.Variant))
            .Select(g => (g.Key.Project, g.Key.Experience, g.Key.Variant, g.Min(x => x.Time))).ToHashSet();

    /// <summary>The person's <c>attributed</c> rows: each metric event once per variant an impression in its window converts it for.</summary>
    public static HashSet<(int Project, string Experience, string Variant, string Metric, long Seq, DateTime Time)> Attributed(Rows? rows,
        IReadOnlyList<Definition> definitions)
    {
        var attributed = new HashSet<(int, string, string, string, long, DateTime)>();
        if (rows is null)
            return attributed;
        foreach (var (seq, m) in rows.MetricEvents)
        {
            foreach (var d in definitions)
            {
                if (d.Project != m.Project || !d.Metrics.Contains(m.Action))
                    continue;
                foreach (var x in rows.Exposures)
                {
                    if (x.Project == m.Project && x.Experience == d.Experience && ExperienceCounting.Attributes(x.Time, m.Time, d.Days))
                        attributed.Add((m.Project, d.Experience, x.Variant, m.Action, seq, m.Time));
                }
            }
        }
        return attributed;
    }
}
