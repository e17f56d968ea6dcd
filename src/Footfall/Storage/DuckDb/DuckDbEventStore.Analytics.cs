using Footfall.Experiences;
using Microsoft.Extensions.Logging;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore : IExperienceQueries, ILiveCounts
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<VariantCounts>> CountExperienceAsync(string projectId, ExperienceDefinition experience, TimeRange range, CancellationToken cancellationToken = default)
    {
        var (connection, fromRollup) = await OpenSnapshotAsync(projectId, experience, cancellationToken);
        await using (connection)
        {
            return range == TimeRange.All && fromRollup
                ? ReadTotals(connection, ProjectNumber(projectId), experience)
                : ReadCounts(connection, experience, range, ExperienceArgs(projectId, experience, range, fromRollup), fromRollup);
        }
    }

    /// <summary>
    /// A read connection inside a transaction, after the experience's metrics are tracked and its rollup derived, and
    /// whether that rollup answers this definition: the check and the read see the same snapshot, so a definition
    /// changed in between (another request's) makes the read fall back to the narrow tables, never read other rows.
    /// </summary>
    private async Task<(DuckDB.NET.Data.DuckDBConnection Connection, bool FromRollup)> OpenSnapshotAsync(string projectId, ExperienceDefinition experience,
        CancellationToken cancellationToken)
    {
        var project = ProjectNumber(projectId);
        // A definition not saved yet (or changed since) may name metrics whose events are not in metric_events yet.
        if (!IsTracked(project, experience.Metrics))
            await DeriveAsync(() => TrackMetrics(project, experience.Metrics), cancellationToken);
        var connection = await OpenReadAsync(cancellationToken);
        Execute(connection, "BEGIN TRANSACTION");
        if (RollupAnswers(connection, project, experience))
            return (connection, true);
        await connection.DisposeAsync();
        await DeriveAsync(() =>
        {
            if (!RollupAnswers(_writeConnection, project, experience))
                DeriveRollup(project, experience);
        }, cancellationToken);
        connection = await OpenReadAsync(cancellationToken);
        Execute(connection, "BEGIN TRANSACTION");
        var fromRollup = RollupAnswers(connection, project, experience);
        if (!fromRollup)
            _logger.LogInformation("Results of experience {Experience} are computed from the narrow tables: another request re-derived its rollup under another definition meanwhile", experience.ShortUid);
        return (connection, fromRollup);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DailyVariantCounts>> ExperienceTimelineAsync(string projectId, ExperienceDefinition experience, string metric, TimeRange range, CancellationToken cancellationToken = default)
    {
        var single = experience with { Metrics = [metric] };
        var (connection, fromRollup) = await OpenSnapshotAsync(projectId, single, cancellationToken);
        await using var _ = connection;
        // DuckDB's sum over integers is a HUGEINT (BigInteger in .NET, not IConvertible): cast back to BIGINT.
        using var reader = Query(connection, $"""
            {Counted(single, range, fromRollup)},
            first_converted AS (SELECT variant, person, min(time) AS t FROM attributed GROUP BY variant, person),
            days AS (
                SELECT CAST(t AS DATE) AS day, variant, 1 AS exposed, 0 AS converted FROM first_exposed
                UNION ALL SELECT CAST(t AS DATE), variant, 0, 1 FROM first_converted)
            SELECT day, variant, CAST(sum(exposed) AS BIGINT), CAST(sum(converted) AS BIGINT) FROM days GROUP BY day, variant ORDER BY day, variant
            """, ExperienceArgs(projectId, single, range, fromRollup));
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

    /// <summary>
    /// The CTEs <c>first_exposed</c> (variant, person, t: the person's first impression in the range) and <c>attributed</c>
    /// (variant, action, seq, person, time: conversions in the range). Without a lower bound, the first impressions are
    /// the <c>exposed</c> rollup's; with one, they come from the exposures of the range, with their identifiers' persons. The
    /// conversions are the <c>attributed</c> rollup's, unless it was derived under another definition: then they are
    /// computed from the narrow tables with the same rule (<see cref="DeriveAttributed"/>).
    /// </summary>
    private static string Counted(ExperienceDefinition experience, TimeRange range, bool fromRollup)
    {
        var actions = string.Join(", ", experience.Metrics.Select((_, i) => $"$m{i}"));
        var firstExposed = range.From is null
            ? $"SELECT variant, person, first_time AS t FROM exposed WHERE project = $p AND experience = $e AND {RangeFilter("first_time", range)}"
            : $"SELECT variant, person, min(time) AS t FROM {ExposuresWithPersons} WHERE project = $p AND experience = $e AND {RangeFilter("time", range)} GROUP BY variant, person";
        if (fromRollup)
        {
            return $"""
                WITH first_exposed AS ({firstExposed}),
                attributed AS (
                    SELECT variant, metric AS action, seq, person, time FROM attributed
                    WHERE project = $p AND experience = $e AND metric IN ({actions}) AND {RangeFilter("time", range)})
                """;
        }
        return $"""
            WITH first_exposed AS ({firstExposed}),
            imp AS (SELECT person, variant, time FROM {ExposuresWithPersons} WHERE project = $p AND experience = $e),
            conv AS (
                SELECT person, action, time, seq FROM {MetricEventsWithPersons}
                WHERE project = $p AND action IN ({actions}) AND {RangeFilter("time", range)} AND person IN (SELECT person FROM imp)),
            attributed AS (
                SELECT DISTINCT imp.variant, conv.action, conv.seq, conv.person, conv.time
                FROM conv JOIN imp ON imp.person = conv.person
                 AND imp.time <= conv.time AND imp.time >= conv.time - to_days(CAST($days AS INTEGER)))
            """;
    }

    private static string RangeFilter(string column, TimeRange range) =>
        (range.From is null ? "TRUE" : $"{column} >= $from") + " AND " + (range.To is null ? "TRUE" : $"{column} < $to");

    // DuckDB refuses a parameter the statement does not use: the window is passed only to the query that computes conversions.
    private (string, object?)[] ExperienceArgs(string projectId, ExperienceDefinition experience, TimeRange range, bool fromRollup)
    {
        var args = new List<(string, object?)> { ("p", ProjectNumber(projectId)), ("e", experience.ShortUid) };
        if (!fromRollup) args.Add(("days", experience.AttributionDays));
        if (range.From is { } from) args.Add(("from", from));
        if (range.To is { } to) args.Add(("to", to));
        for (var i = 0; i < experience.Metrics.Count; i++)
            args.Add(($"m{i}", experience.Metrics[i]));
        return args.ToArray();
    }
}
