using Footfall.Experiences;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore : IExperienceQueries, ILiveCounts
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<VariantCounts>> CountExperienceAsync(string projectId, ExperienceDefinition experience, TimeRange range, CancellationToken cancellationToken = default)
    {
        await EnsureTrackedAsync(projectId, experience.Metrics, cancellationToken);
        await using var connection = await OpenReadAsync(cancellationToken);
        return ReadCounts(connection, experience, range, ExperienceArgs(projectId, experience, range));
    }

    // A definition not saved yet (or changed since) may name metrics whose events are not in metric_events yet.
    private async Task EnsureTrackedAsync(string projectId, IReadOnlyList<string> metrics, CancellationToken cancellationToken)
    {
        var project = ProjectNumber(projectId);
        if (!IsTracked(project, metrics))
            await WriteAsync(() => TrackMetrics(project, metrics), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DailyVariantCounts>> ExperienceTimelineAsync(string projectId, ExperienceDefinition experience, string metric, TimeRange range, CancellationToken cancellationToken = default)
    {
        var single = experience with { Metrics = [metric] };
        await EnsureTrackedAsync(projectId, single.Metrics, cancellationToken);
        var args = ExperienceArgs(projectId, single, range);
        await using var connection = await OpenReadAsync(cancellationToken);
        // DuckDB's sum over integers is a HUGEINT (BigInteger in .NET, not IConvertible): cast back to BIGINT.
        using var reader = Query(connection, $"""
            {Exposed}, {Attributed(single, range)},
            first_exposed AS (SELECT variant, person, min(time) AS t FROM imp WHERE {RangeFilter("time", range)} GROUP BY variant, person),
            first_converted AS (SELECT variant, person, min(time) AS t FROM attributed GROUP BY variant, person),
            days AS (
                SELECT CAST(t AS DATE) AS day, variant, 1 AS exposed, 0 AS converted FROM first_exposed
                UNION ALL SELECT CAST(t AS DATE), variant, 0, 1 FROM first_converted)
            SELECT day, variant, CAST(sum(exposed) AS BIGINT), CAST(sum(converted) AS BIGINT) FROM days GROUP BY day, variant ORDER BY day, variant
            """, args);
        var list = new List<DailyVariantCounts>();
        while (reader.Read())
        {
            list.Add(new DailyVariantCounts(DateOnly.FromDateTime(reader.GetDateTime(0)), reader.GetString(1),
                Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture)));
        }
        return list;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ActionCount>> CountByMinuteAsync(string projectId, DateTime since, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        using var reader = Query(connection, """
            SELECT date_trunc('minute', time) AS minute, action, count(*) FROM events
            WHERE project = $p AND time >= $since GROUP BY minute, action ORDER BY minute, action
            """, ("p", ProjectNumber(projectId)), ("since", since));
        var list = new List<ActionCount>();
        while (reader.Read())
            list.Add(new ActionCount(Utc(reader.GetDateTime(0)), reader.GetString(1), reader.GetInt64(2)));
        return list;
    }

    // Impressions of the experience, each filed under its person (links resolved now, so retroactively).
    private const string Exposed = """
        WITH imp AS (
            SELECT i.person, x.variant, x.time FROM exposures x JOIN idents i ON i.id = x.ident
            WHERE x.project = $p AND x.experience = $e)
        """;

    // Metric events in the range that follow an impression of the same person within the window.
    private static string Attributed(ExperienceDefinition experience, TimeRange range)
    {
        var actions = string.Join(", ", experience.Metrics.Select((_, i) => $"$m{i}"));
        return $"""
            conv AS (
                SELECT i.person, m.action, m.time, m.seq FROM metric_events m JOIN idents i ON i.id = m.ident
                WHERE m.project = $p AND m.action IN ({actions}) AND {RangeFilter("m.time", range)}
                  AND i.person IN (SELECT person FROM imp)),
            attributed AS (
                SELECT DISTINCT imp.variant, conv.action, conv.seq, conv.person, conv.time
                FROM conv JOIN imp ON imp.person = conv.person
                 AND imp.time <= conv.time AND imp.time >= conv.time - to_days(CAST($days AS INTEGER)))
            """;
    }

    private static string RangeFilter(string column, TimeRange range) =>
        (range.From is null ? "TRUE" : $"{column} >= $from") + " AND " + (range.To is null ? "TRUE" : $"{column} < $to");

    private (string, object?)[] ExperienceArgs(string projectId, ExperienceDefinition experience, TimeRange range)
    {
        var args = new List<(string, object?)> { ("p", ProjectNumber(projectId)), ("e", experience.ShortUid), ("days", experience.AttributionDays) };
        if (range.From is { } from) args.Add(("from", from));
        if (range.To is { } to) args.Add(("to", to));
        for (var i = 0; i < experience.Metrics.Count; i++)
            args.Add(($"m{i}", experience.Metrics[i]));
        return args.ToArray();
    }
}
