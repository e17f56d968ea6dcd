using System.Globalization;
using System.Text;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Recommendations;
using Footfall.Storage;
using static Footfall.ClickHouse.ClickHouseSql;
using static Footfall.ClickHouse.ClickHouseSchema;

namespace Footfall.ClickHouse;

// The aggregates recommendation models read, in SQL over product_touches, each the SQL form of its definition in
// InteractionAggregates (the property tests hold them to it): ClickHouse sends back rows per item, never per
// interaction, so a node's memory does not grow with the window. 18.16 has no window functions: a visit's newest
// items are a sorted groupArray, pairs come from arrayJoin, and an item's neighbours are cut at its n-th best score.
// Persons are 64-bit keys resolved at read time (PersonKeyRows), so links apply retroactively. A person's touches are
// read by their identifiers.
public sealed partial class ClickHouseEventStore
{
    // The actions that take part in co-occurrence and trending (RecommendationOptions.Weight > 0).
    private static readonly string WeightedActionList = List(BuiltInActions.ProductActions.Where(a => RecommendationOptions.Weight(a) > 0)
        .Order(StringComparer.Ordinal));

    // A touch's place in (time, store order): what "first" and "newest" compare.
    private const string TouchOrder = "(time_ms, ord)";

    /// <inheritdoc />
    public async Task<ItemWindow> ReadItemWindowAsync(string projectId, DateTime from, ItemWindowShape shape, CancellationToken cancellationToken = default)
    {
        var p = Quote(projectId);
        var window = $"time_ms >= {Num(FromMs(from))}";
        // Items in first-interaction order, each with the newest params that may name a category and its interactions
        // (a keyed event stored twice counts once).
        var itemRows = await _http.QueryAsync($"""
            SELECT item, argMaxIf(category_params, {TouchOrder}, isNotNull(category_params)), uniqExact(eid)
            FROM product_touches WHERE project = {p} AND {window}
            GROUP BY item ORDER BY min({TouchOrder})
            """, cancellationToken);
        var items = itemRows.Select(r => r[0]!).ToList();
        var categories = await CategoriesAsync(p, window, itemRows, cancellationToken);
        var interactions = itemRows.Sum(r => Long(r[2]));
        var (reach, neighbours) = ItemWindow.EmptyLists(items.Count);
        if (items.Count == 0)
            return new ItemWindow(items, categories, reach, neighbours, interactions);

        // Items are numbered in first-interaction order (from 1), in a temporary table of this read's session: pair
        // counts group small integers instead of two strings, and ordering by the number breaks ties as the definition does.
        var session = ClickHouseHttp.NewSession();
        await _http.ExecuteAsync("CREATE TEMPORARY TABLE rec_items (item String, no UInt32)", cancellationToken, session: session);
        var numbered = new StringBuilder();
        for (var i = 0; i < items.Count; i++)
            AppendRow(numbered, items[i], Num(i + 1));
        await _http.InsertAsync("rec_items", "item, no", numbered, cancellationToken, session: session);
        // Per visit, a row (item, 0) for each of its newest items (reach) and (a, b) for each pair of them.
        await _http.ExecuteAsync("CREATE TEMPORARY TABLE rec_counts (a UInt32, b UInt32, n UInt64)", cancellationToken, session: session);
        await _http.ExecuteAsync($"""
            INSERT INTO rec_counts
            SELECT pair.1 AS a, pair.2 AS b, count() AS n FROM (
                SELECT arrayJoin(arrayConcat([(it, toUInt32(0))], arrayMap(o -> (least(it, o), greatest(it, o)), arraySlice(its, i + 1)))) AS pair
                FROM (SELECT its, arrayJoin(arrayEnumerate(its)) AS i, its[i] AS it FROM ({VisitItems(p, window, "no", shape.MaxItemsPerVisit, "ANY INNER JOIN rec_items USING item")})))
            GROUP BY a, b
            """, cancellationToken, session: session);
        foreach (var r in await _http.QueryAsync("SELECT a, n FROM rec_counts WHERE b = 0", cancellationToken, session: session))
            reach[int.Parse(r[0]!, CultureInfo.InvariantCulture) - 1] = int.Parse(r[1]!, CultureInfo.InvariantCulture);
        // Each item's candidates down to the single-precision cosine of its n-th best (ties at the cut included), cut in
        // SQL; ranked here by the definition's own cosine and tie order. A global ORDER BY .. LIMIT n BY item sorted every
        // pair twice: 10 s of a 33 s refresh at 10M events, against 3 s for this (docs/benchmarks.md §14). The reach of b
        // is selected in an inner query, where an alias named b would stand for the column b in WHERE; lambdas take the
        // cut as an argument (replicate), because 18.16 drops a column that only a lambda captures.
        foreach (var r in await _http.QueryAsync($"""
            SELECT item, arrayFilter((o, s, c) -> s >= c, others, ss, replicate(cut, ss)), arrayFilter((n, s, c) -> s >= c, ns, ss, replicate(cut, ss)) FROM (
                SELECT item, others, ns, ss, arrayReverseSort(ss)[{Num(shape.Neighbours)}] AS cut FROM (
                    SELECT item, groupArray(other) AS others, groupArray(n) AS ns, groupArray(s) AS ss FROM (
                        SELECT d.1 AS item, d.2 AS other, n, toFloat32(n / sqrt(toFloat64(ra) * rb)) AS s FROM (
                            SELECT a, b, n, ra, rb FROM (
                                SELECT a, b, n, ra FROM (SELECT a, b, n FROM rec_counts WHERE b != 0)
                                ANY LEFT JOIN (SELECT a, n AS ra FROM rec_counts WHERE b = 0) USING a)
                            ANY LEFT JOIN (SELECT a AS b, rb FROM (SELECT a, n AS rb FROM rec_counts WHERE b = 0)) USING b)
                        ARRAY JOIN [(a, b), (b, a)] AS d)
                    GROUP BY item))
            """, cancellationToken, session: session))
        {
            var item = int.Parse(r[0]!, CultureInfo.InvariantCulture) - 1;
            var others = Numbers(r[1]!);
            var counts = Numbers(r[2]!);
            var candidates = new List<(int Item, float Score)>(others.Length);
            for (var i = 0; i < others.Length; i++)
                candidates.Add(((int)others[i] - 1, InteractionAggregates.Cosine((int)counts[i], reach[item], reach[(int)others[i] - 1])));
            neighbours[item] = [.. candidates.OrderByDescending(n => n.Score).ThenBy(n => n.Item).Take(shape.Neighbours)];
        }
        await _http.ExecuteAsync("DROP TEMPORARY TABLE IF EXISTS rec_counts", cancellationToken, session: session);
        await _http.ExecuteAsync("DROP TEMPORARY TABLE IF EXISTS rec_items", cancellationToken, session: session);
        return new ItemWindow(items, categories, reach, neighbours, interactions);
    }

    /// <inheritdoc />
    public async Task<CoVisitCounts> ReadCoVisitsAsync(string projectId, DateTime from, int maxItemsPerVisit, IReadOnlyCollection<string> items,
        CoVisitCut? cut = null, CancellationToken cancellationToken = default)
    {
        var reach = new Dictionary<string, int>(StringComparer.Ordinal);
        var pairs = new List<(string, string, int)>();
        if (items.Count == 0)
            return new CoVisitCounts(reach, pairs);
        // A set, not an array: has() scans its array for every item of every visit (49 s against 19 s for an erasure's
        // 400 items at 10M events, docs/benchmarks.md §14).
        var asked = List(items);
        // Only the visits that hold an asked item; from each, (item, '') for its asked items and every pair with one.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        await _http.QueryEachAsync($"""
            SELECT pair.1, pair.2, count() FROM (
                SELECT arrayJoin(arrayConcat(arrayFilter(x -> x.1 IN {asked}, [(it, '')]),
                    arrayMap(o -> if(it < o, (it, o), (o, it)), arrayFilter(o -> it IN {asked} OR o IN {asked}, arraySlice(its, i + 1))))) AS pair
                FROM (SELECT its, arrayJoin(arrayEnumerate(its)) AS i, its[i] AS it
                      FROM ({VisitItems(Quote(projectId), $"time_ms >= {Num(FromMs(from))}", "item", maxItemsPerVisit, "")}) WHERE arrayExists(x -> x IN {asked}, its)))
            GROUP BY pair.1, pair.2
            """, r =>
        {
            if (r[1]!.Length == 0)
                reach[r[0]!] = int.Parse(r[2]!, CultureInfo.InvariantCulture);
            else
                pairs.Add((Shared(r[0]!), Shared(r[1]!), int.Parse(r[2]!, CultureInfo.InvariantCulture)));
        }, cancellationToken);
        // Every pair is counted and sent; the cut only spares the model the pairs that cannot change it.
        var counts = new CoVisitCounts(reach, pairs);
        return cut is null ? counts : cut.Apply(items, counts);

        // An item's name once, however many pairs name it.
        string Shared(string item) => names.TryGetValue(item, out var shared) ? shared : names[item] = item;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ProductPurchase>> ReadPurchasesAsync(string projectId, DateTime from, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default)
    {
        var p = Quote(projectId);
        var filter = $"action = {Quote(BuiltInActions.Purchase)} AND time_ms >= {Num(FromMs(from))}" + (items is null ? "" : $" AND item IN {List(items)}");
        // LIMIT 1 BY eid drops a keyed event's second copy, should two nodes have raced to store it.
        var rows = await _http.QueryAsync($"""
            SELECT toInt64(person) AS pk, item, time_ms FROM ({PersonKeyRows("product_touches", p, "item, time_ms, ord, eid", filter)})
            ORDER BY pk, item, time_ms, ord LIMIT 1 BY eid
            """, cancellationToken);
        return rows.Select(r => new ProductPurchase(Long(r[0]), r[1]!, Time(r[2]))).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RecentTouch>> ReadRecentTouchesAsync(string projectId, DateTime from, DateTime now, int hours, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default)
    {
        // (now - hours, now] and at or after from, in whole milliseconds.
        var filter = $"action IN {WeightedActionList} AND time_ms > {Num(EventTime.ToUnixMs(now.AddHours(-hours)))} " +
            $"AND time_ms <= {Num(EventTime.ToUnixMs(now))} AND time_ms >= {Num(FromMs(from))}" + (items is null ? "" : $" AND item IN {List(items)}");
        var rows = await _http.QueryAsync($"""
            SELECT toInt64(person), item, action, max(time_ms) FROM ({PersonKeyRows("product_touches", Quote(projectId), "item, action, time_ms", filter)})
            GROUP BY person, item, action
            """, cancellationToken);
        return rows.Select(r => new RecentTouch(Long(r[0]), r[1]!, SharedActions.TryGetValue(r[2]!, out var a) ? a : r[2]!, Time(r[3]))).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PersonTouch>> ReadPersonTouchesAsync(string projectId, Identifier who, DateTime from, CancellationToken cancellationToken = default)
    {
        if (await MembersAsync(projectId, who, cancellationToken) is not { } members)
            return [];
        // The person's event times from events_by_actor (sorted by identifier) name the granules of product_touches (sorted
        // by time) to read: a scan of the window's product events for the person's identifiers made the personal feed
        // 0.33-0.64 s at 10M events, against ~20 ms now (docs/benchmarks.md §14). As in activity, the times go back as a
        // list (an IN subquery would be a double-distributed read on a cluster).
        var p = Quote(projectId);
        var times = await _http.QueryAsync(
            $"SELECT DISTINCT time_ms FROM events_by_actor WHERE project = {p} AND actor IN {List(members)} AND time_ms >= {Num(FromMs(from))}", cancellationToken);
        if (times.Count == 0)
            return [];
        var rows = await _http.QueryAsync($"""
            SELECT action, time_ms, item FROM product_touches
            WHERE project = {p} AND time_ms IN ({string.Join(", ", times.Select(t => t[0]))})
              AND actor_hash IN (SELECT cityHash64(arrayJoin([{string.Join(", ", members.Select(Quote))}])))
            ORDER BY time_ms DESC, ord DESC, eid DESC LIMIT 1 BY eid
            """, cancellationToken);
        return rows.Select(r => new PersonTouch(r[2]!, SharedActions.TryGetValue(r[0]!, out var action) ? action : r[0]!, Time(r[1]))).ToList();
    }

    /// <summary>
    /// Per visit (person and visit) of the weighted touches matching <paramref name="window"/>, its newest
    /// <paramref name="maxItems"/> distinct items (an item ranks by its newest touch) as <c>its</c>, each item as
    /// <paramref name="itemColumn"/> (<paramref name="join"/> may bring it in). Most visits hold no more items than that
    /// and need no ranking: their items are a set, from one GROUP BY. Only the visits of more items rank theirs, found
    /// first (21.5 s against 16 s for the whole pair count at 10M events with tests running beside it, identical counts).
    /// </summary>
    private static string VisitItems(string p, string window, string itemColumn, int maxItems, string join)
    {
        var rows = PersonKeyRows("product_touches", p, "item, time_ms, ord, visit", $"action IN {WeightedActionList} AND {window}");
        var k = Num(maxItems);
        return $"""
            SELECT its FROM (
                SELECT groupUniqArray({itemColumn}) AS its FROM ({rows}) {join}
                GROUP BY person, visit HAVING length(its) <= {k})
            UNION ALL
            SELECT its FROM (
                SELECT arraySlice(arrayMap(x -> x.2, arrayReverseSort(groupArray((newest, {itemColumn})))), 1, {k}) AS its FROM (
                    SELECT person, visit, {itemColumn}, max({TouchOrder}) AS newest FROM ({rows}) {join}
                    WHERE (person, visit) IN (SELECT person, visit FROM ({rows}) GROUP BY person, visit HAVING uniqExact(item) > {k})
                    GROUP BY person, visit, {itemColumn})
                GROUP BY person, visit)
            """;
    }

    /// <summary>
    /// The category of each item: its newest params that may name one, parsed as the definition parses them; for the
    /// few items whose newest such params name none (a nested or an escaped key), the newest of its others that does.
    /// </summary>
    private async Task<List<string?>> CategoriesAsync(string p, string window, List<string?[]> itemRows, CancellationToken cancellationToken)
    {
        var categories = itemRows.Select(r => r[1] is { } json ? ReadParams(json, purchase: false).Category : null).ToList();
        var unnamed = itemRows.Where((r, i) => r[1] is not null && categories[i] is null).Select(r => r[0]!).ToList();
        if (unnamed.Count == 0)
            return categories;
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in await _http.QueryAsync($"""
            SELECT item, category_params FROM product_touches
            WHERE project = {p} AND {window} AND item IN {List(unnamed)} AND isNotNull(category_params)
            ORDER BY item, time_ms DESC, ord DESC
            """, cancellationToken))
        {
            if (!found.ContainsKey(r[0]!) && ReadParams(r[1], purchase: false).Category is { } category)
                found[r[0]!] = category;
        }
        return itemRows.Select((r, i) => categories[i] ?? found.GetValueOrDefault(r[0]!)).ToList();
    }

    // A window's start in whole milliseconds: the first millisecond at or after it.
    private static long FromMs(DateTime from)
    {
        var ms = EventTime.ToUnixMs(from);
        return EventTime.FromUnixMs(ms) < from ? ms + 1 : ms;
    }

    // A ClickHouse array of numbers as TabSeparated writes it: [1,2,3].
    private static long[] Numbers(string array) => array.Length <= 2 ? [] :
        array[1..^1].Split(',').Select(n => long.Parse(n, CultureInfo.InvariantCulture)).ToArray();
}
