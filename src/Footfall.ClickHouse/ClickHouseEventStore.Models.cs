using Footfall.Events;
using Footfall.Identity;
using Footfall.Recommendations;
using Footfall.Storage;
using static Footfall.ClickHouse.ClickHouseSql;

namespace Footfall.ClickHouse;

// The aggregates recommendation models read. Here they are computed in .NET from the window's interactions at each
// call, as their definition (InteractionAggregates) computes them: a refresh holds the window in memory while it runs,
// unlike the DuckDB store's SQL (docs/architecture.md). A person's touches are read by their identifiers.
public sealed partial class ClickHouseEventStore
{
    /// <inheritdoc />
    public async Task<ItemWindow> ReadItemWindowAsync(string projectId, DateTime from, ItemWindowShape shape, CancellationToken cancellationToken = default) =>
        InteractionAggregates.ItemWindow(await ReadProductInteractionsAsync(projectId, new TimeRange(from, null), cancellationToken: cancellationToken), shape);

    /// <inheritdoc />
    public async Task<CoVisitCounts> ReadCoVisitsAsync(string projectId, DateTime from, int maxItemsPerVisit, IReadOnlyCollection<string> items,
        CancellationToken cancellationToken = default) =>
        InteractionAggregates.CoVisits(await ReadProductInteractionsAsync(projectId, new TimeRange(from, null), cancellationToken: cancellationToken),
            maxItemsPerVisit, items);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ProductPurchase>> ReadPurchasesAsync(string projectId, DateTime from, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default) =>
        // Only purchase events: the refresh has just read the whole window for the item aggregates.
        InteractionAggregates.Purchases(await ReadInteractionsAsync(projectId, new TimeRange(from, null), PurchaseActionList, sourcedOnly: false,
            cancellationToken), items);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RecentTouch>> ReadRecentTouchesAsync(string projectId, DateTime from, DateTime now, int hours, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default)
    {
        // Times are whole milliseconds, so (now - hours, now] is read as [now - hours, now + 1 ms) and the definition cuts the rest.
        var start = now.AddHours(-hours) > from ? now.AddHours(-hours) : from;
        var set = await ReadProductInteractionsAsync(projectId, new TimeRange(start, now.AddMilliseconds(1)), cancellationToken: cancellationToken);
        return InteractionAggregates.RecentTouches(set, from, now, hours, items);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PersonTouch>> ReadPersonTouchesAsync(string projectId, Identifier who, DateTime from, CancellationToken cancellationToken = default)
    {
        if (await MembersAsync(projectId, who, cancellationToken) is not { } members)
            return [];
        var rows = await _http.QueryAsync($"""
            SELECT action, time_ms, target FROM events
            WHERE project = {Quote(projectId)} AND actor IN {List(members)} AND action IN {ProductActionList}
              AND target IS NOT NULL AND position(target, '"product"') > 0 AND time_ms >= {Num(EventTime.ToUnixMs(from))}
            ORDER BY time_ms DESC, ord DESC, eid DESC LIMIT 1 BY eid
            """, cancellationToken);
        var touches = new List<PersonTouch>(rows.Count);
        foreach (var r in rows)
            if (TargetJson.Read(r[2]!) is { } target && target.TryGetValue("product", out var item))
                touches.Add(new PersonTouch(item, SharedActions.TryGetValue(r[0]!, out var action) ? action : r[0]!, Time(r[1])));
        return touches;
    }
}
