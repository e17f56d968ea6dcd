using Footfall.Events;
using Footfall.Experiences;
using Footfall.Storage;
using static Footfall.ClickHouse.ClickHouseSql;
using static Footfall.ClickHouse.ClickHouseSchema;

namespace Footfall.ClickHouse;

// SQL here is written for ClickHouse 18.16 and current servers alike: no CTEs over subqueries, one JOIN per
// SELECT (nested instead), explicit ANY/ALL strictness, no DateTime64.
public sealed partial class ClickHouseEventStore : IExperienceQueries, ILiveCounts
{
    private const long DayMs = 86_400_000;

    /// <inheritdoc />
    public async Task<IReadOnlyList<VariantCounts>> CountExperienceAsync(string projectId, ExperienceDefinition experience, TimeRange range, CancellationToken cancellationToken = default)
    {
        var p = Quote(projectId);
        // The two queries share nothing but the persons' table, which each reads in a few ms: run at once, they take
        // both cores of a small server instead of one after the other.
        var exposedQuery = _http.QueryAsync(
            $"SELECT variant, uniqExact(person), min(time_ms) FROM ({Impressions(p, experience, RangeFilter(range))}) GROUP BY variant", cancellationToken);
        // Distinct eid: a keyed event stored twice by racing nodes is still one conversion.
        var attributedQuery = experience.Metrics.Count == 0 ? Task.FromResult(new List<string?[]>()) : AttributedRowsAsync(p, experience, range,
            rows => $"SELECT variant, action, uniqExact(eid), uniqExact(person) FROM ({rows}) GROUP BY variant, action", cancellationToken);
        await Task.WhenAll(exposedQuery, attributedQuery);
        var impressions = new Dictionary<string, (long Persons, DateTime First)>(StringComparer.Ordinal);
        foreach (var r in await exposedQuery)
            impressions[r[0]!] = (Long(r[1]), EventTime.FromUnixMs(Long(r[2])));
        var metrics = new Dictionary<string, Dictionary<string, MetricCounts>>(StringComparer.Ordinal);
        foreach (var r in await attributedQuery)
        {
            if (!metrics.TryGetValue(r[0]!, out var byAction))
                metrics[r[0]!] = byAction = new Dictionary<string, MetricCounts>(StringComparer.Ordinal);
            byAction[r[1]!] = new MetricCounts(Long(r[2]), Long(r[3]));
        }
        return impressions.Keys.Union(metrics.Keys)
            .Select(v => new VariantCounts(v, impressions.TryGetValue(v, out var i) ? i.Persons : 0,
                metrics.TryGetValue(v, out var m) ? m : new Dictionary<string, MetricCounts>(),
                impressions.TryGetValue(v, out var first) ? first.First : null))
            .ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DailyVariantCounts>> ExperienceTimelineAsync(string projectId, ExperienceDefinition experience, string metric, TimeRange range, CancellationToken cancellationToken = default)
    {
        var p = Quote(projectId);
        var single = experience with { Metrics = [metric] };
        var rows = await AttributedRowsAsync(p, single, range, attributed => $"""
            SELECT day, variant, sum(exposed), sum(converted) FROM (
                SELECT intDiv(t, {DayMs}) AS day, variant, 1 AS exposed, 0 AS converted FROM (
                    SELECT variant, person, min(time_ms) AS t FROM ({Impressions(p, experience, RangeFilter(range))}) GROUP BY variant, person)
                UNION ALL
                SELECT intDiv(t, {DayMs}) AS day, variant, 0 AS exposed, 1 AS converted FROM (
                    SELECT variant, person, min(time_ms) AS t FROM ({attributed}) GROUP BY variant, person))
            GROUP BY day, variant ORDER BY day, variant
            """, cancellationToken);
        return rows.Select(r => new DailyVariantCounts(DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(Long(r[0]))), r[1]!, Long(r[2]), Long(r[3])))
            .ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ActionCount>> CountByMinuteAsync(string projectId, DateTime since, CancellationToken cancellationToken = default)
    {
        var rows = await _http.QueryAsync($"""
            SELECT intDiv(time_ms, 60000) AS minute, action, uniqExact(eid) FROM events
            WHERE project = {Quote(projectId)} AND time_ms >= {Num(EventTime.ToUnixMs(since))}
            GROUP BY minute, action ORDER BY minute, action
            """, cancellationToken);
        return rows.Select(r => new ActionCount(EventTime.FromUnixMs(Long(r[0]) * 60_000), r[1]!, Long(r[2]))).ToList();
    }

    /// <summary>
    /// Runs <paramref name="query"/> over the experience's attributed conversions in the range, (person, action,
    /// time_ms, eid, variant) per (event, variant) pair: counted from the kept rows when they answer this definition,
    /// else joined from the metric events and impressions (a window or metric nobody saved; the same answer, slower).
    /// </summary>
    private async Task<List<string?[]>> AttributedRowsAsync(string p, ExperienceDefinition experience, TimeRange range, Func<string, string> query,
        CancellationToken cancellationToken)
    {
        var kept = await AttributedAnswersAsync(p, experience, cancellationToken);
        return await _http.QueryAsync(query(kept ? KeptAttributed(p, experience, range) : Attributed(p, experience, range)), cancellationToken);
    }

    private static string KeptAttributed(string p, ExperienceDefinition experience, TimeRange range) =>
        PersonKeyRows("attributed", p, "action, time_ms, eid, variant",
            $"experience = {Quote(experience.ShortUid)} AND days = {Num(experience.AttributionDays)} AND action IN {List(experience.Metrics)} AND {RangeFilter(range)}");

    // The experience's impressions, each under its person's key: (person, variant, time_ms).
    private static string Impressions(string p, ExperienceDefinition experience, string filter) =>
        PersonKeyRows("exposures", p, "variant, time_ms", $"experience = {Quote(experience.ShortUid)} AND {filter}");

    // Metric events in the range that follow an impression of the same person within the attribution window:
    // (person, actor_hash, action, time_ms, eid, variant), one row per (event, variant) pair. Each (person, variant) carries all its
    // impression times as one array, so the join pairs an event with a variant once, not with every impression: joining
    // every impression measured 1.9x slower at 50M events, where a person's impressions and purchases repeat over
    // months. Only impressions that can attribute an event of the range are read: none after its end, none more than
    // the window before its start. The lambda takes the event's time as an argument (replicate): 18.16 does not find a
    // joined subquery's column that a lambda names ("Unknown identifier").
    private static string Attributed(string p, ExperienceDefinition experience, TimeRange range)
    {
        var window = experience.AttributionDays * DayMs;
        var impressionRange = (range.From is { } from ? $"time_ms >= {Num(EventTime.ToUnixMs(from) - window)}" : "1") + " AND " +
            (range.To is { } to ? $"time_ms < {Num(EventTime.ToUnixMs(to))}" : "1");
        return $"""
            SELECT person, actor_hash, action, time_ms, eid, variant FROM (
                {PersonKeyRows("events", p, "action, time_ms, eid", $"action IN {List(experience.Metrics)} AND {RangeFilter(range)}")})
            ALL INNER JOIN (
                SELECT person, variant, groupUniqArray(time_ms) AS imp_times FROM ({Impressions(p, experience, impressionRange)}) GROUP BY person, variant)
            USING person
            WHERE arrayExists((x, t) -> x <= t AND x >= t - {Num(window)}, imp_times, replicate(time_ms, imp_times))
            """;
    }

    private static string RangeFilter(TimeRange range) =>
        (range.From is { } from ? $"time_ms >= {Num(EventTime.ToUnixMs(from))}" : "1") + " AND " +
        (range.To is { } to ? $"time_ms < {Num(EventTime.ToUnixMs(to))}" : "1");
}
