using DuckDB.NET.Data;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Recommendations;

namespace Footfall.Storage.DuckDb;

/// <summary>
/// What recommendation models read, from <c>product_touches</c>: the product interactions, narrow and keyed by
/// identifier (appended by the writer in the commit's transaction, deleted with an erasure, never updated); a read
/// takes each touch's person from <c>idents</c>, so a link needs no change here. A person's own touches are read
/// from the identity index instead (<see cref="IdentityIndex.Touches"/>), which the writer fills after each commit.
/// Each read is the SQL form of its definition in <see cref="InteractionAggregates"/>, and a refresh reads rows per
/// item, never per interaction.
/// </summary>
public sealed partial class DuckDbEventStore
{
    // The actions that take part in co-occurrence and trending (RecommendationOptions.Weight > 0).
    private static readonly string WeightedActions = string.Join(", ", BuiltInActions.ProductActions
        .Where(a => RecommendationOptions.Weight(a) > 0).Select(a => $"'{a}'"));

    // A visit is the session, or for events without one, the day (as .NET counts days: Ticks / TicksPerDay).
    private static readonly string VisitTouches = $"""
        SELECT {TouchPerson} AS person, t.item, t.time, t.seq, coalesce(t.session, epoch_us(t.time) // 86400000000 + 719162) AS visit
        {TouchesWithPersons} WHERE t.project = $p AND t.time >= $from AND t.action IN ({WeightedActions})
        """;

    // A touch's person is its identifier's now, so a link before or after the touch counts it for the person it joined
    // (an erasure's two window reads took 1.9x the time of the person-carrying table when they joined every identifier,
    // 1.27x with MovedIdents, at 10M events: docs/benchmarks.md section 8).
    private const string TouchesWithPersons = $"FROM product_touches t LEFT JOIN {MovedIdents} m ON m.id = t.ident";
    private const string TouchPerson = "coalesce(m.person, t.ident)";

    // A filter on the scan, where IN (SELECT unnest($items)) is a join the whole window goes through (0.4-0.6 s against
    // 0.2-0.5 s at 10M events, docs/benchmarks.md section 8).
    private static string ItemsFilter(IReadOnlyCollection<string>? items) => items is null ? "" : "AND list_contains($items, t.item)";

    // A touch's place in (time, seq) order as one 128-bit integer: min/max over it keep a fixed-size state, where over
    // a {time, seq} struct they compare sort keys (2-3x the time, and 2.3 GB for the visit items at 10M).
    private const string NewestKey = "(CAST(epoch_us(time) AS HUGEINT) * 18446744073709551616 + seq)";

    // Fills rec_vi (person, visit, item) with each visit's newest $k distinct items (an item ranks by its newest touch)
    // from rec_vt (person, visit, item, newest), and drops rec_vt. Only the visits of more than $k items are ranked:
    // a window over every visit is the one step DuckDB could not spill (10M events failed in a 512 MB buffer), and
    // few visits hold more than $k items.
    private static void RankVisitItems(DuckDBConnection connection, int maxItemsPerVisit)
    {
        Execute(connection, "CREATE OR REPLACE TEMP TABLE rec_big AS SELECT person, visit FROM rec_vt GROUP BY ALL HAVING count(*) > $k",
            ("k", maxItemsPerVisit));
        Execute(connection, "CREATE OR REPLACE TEMP TABLE rec_vi AS SELECT person, visit, item FROM rec_vt ANTI JOIN rec_big USING (person, visit)");
        // IN, not SEMI JOIN: DuckDB 1.5 fails a QUALIFY over a semi join with an internal cast error.
        Execute(connection, """
            INSERT INTO rec_vi SELECT person, visit, item FROM (SELECT * FROM rec_vt WHERE (person, visit) IN (SELECT (person, visit) FROM rec_big))
            QUALIFY row_number() OVER (PARTITION BY person, visit ORDER BY newest DESC) <= $k
            """, ("k", maxItemsPerVisit));
        Execute(connection, "DROP TABLE rec_vt; DROP TABLE rec_big");
    }

    private static void DropRankingTables(DuckDBConnection connection) => Execute(connection,
        "DROP TABLE IF EXISTS rec_v; DROP TABLE IF EXISTS rec_vt; DROP TABLE IF EXISTS rec_big; DROP TABLE IF EXISTS rec_vi; DROP TABLE IF EXISTS rec_pairs");

    /// <summary>Copies the commit's product events into product_touches. Inside the commit's transaction.</summary>
    private void AppendProductTouches(CommitPlan plan)
    {
        var products = plan.ProductTouches;
        if (products.Count == 0)
            return;
        // The expressions of ReadProductInteractionsAsync, over this commit's rows (seq is contiguous per commit).
        Execute(_writeConnection, $"""
            INSERT INTO product_touches
            SELECT e.project, e.ident, e.seq, e.time, e.item, e.action, {SessionOfEvent}, {CategoryOfEvent}
            FROM events e
            WHERE e.seq >= $first AND e.seq <= $last AND e.item IS NOT NULL AND e.action IN ({ProductActionList})
            """, ("first", products[0].Seq), ("last", products[^1].Seq));
    }

    /// <inheritdoc />
    public async Task<ItemWindow> ReadItemWindowAsync(string projectId, DateTime from, ItemWindowShape shape, CancellationToken cancellationToken = default)
    {
        (string, object?)[] args = [("p", ProjectNumber(projectId)), ("from", from)];
        await using var connection = await OpenReadAsync(cancellationToken);
        var items = new List<string>();
        var categories = new List<string?>();
        long interactions = 0;
        using (var reader = Query(connection, $"""
            SELECT item, arg_max(category, {NewestKey}) FILTER (WHERE category IS NOT NULL), count(*)
            FROM product_touches WHERE project = $p AND time >= $from
            GROUP BY item ORDER BY min({NewestKey})
            """, args))
        {
            while (reader.Read())
            {
                items.Add(reader.GetString(0));
                categories.Add(NullableString(reader, 1));
                interactions += reader.GetInt64(2);
            }
        }
        var reach = new int[items.Count];
        var neighbours = new List<(int Item, float Score)>[items.Count];
        for (var i = 0; i < neighbours.Length; i++)
            neighbours[i] = [];
        // Items are counted as their number in $order (first-interaction order, from 1): integer keys keep the pair
        // counts' hash tables small, and ordering by the number breaks ties as the definition does. One step per temp
        // table, each an aggregate, join or sort DuckDB spills past its memory limit: as one query, every step's hash
        // tables were alive at once and 10M events did not fit in 2 GB.
        try
        {
            Execute(connection, $"""
                CREATE OR REPLACE TEMP TABLE rec_vt AS
                SELECT w.person, w.visit, o.no AS item, max({NewestKey}) AS newest FROM ({VisitTouches}) w
                JOIN (SELECT unnest($order) AS item, generate_subscripts($order, 1) AS no) o ON o.item = w.item
                GROUP BY ALL
                """, [.. args, ("order", items)]);
            RankVisitItems(connection, shape.MaxItemsPerVisit);
            Execute(connection, """
                CREATE OR REPLACE TEMP TABLE rec_pairs AS
                SELECT a.item AS a, b.item AS b, count(*) AS n FROM rec_vi a JOIN rec_vi b ON a.person = b.person AND a.visit = b.visit AND a.item < b.item
                GROUP BY ALL
                """);
            // Rows with a null neighbour carry an item's reach; the others its top neighbours, best first.
            using var reader = Query(connection, """
                WITH reach AS (SELECT item, count(*) AS n FROM rec_vi GROUP BY item),
                scored AS (SELECT p.a, p.b, CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT) AS s
                           FROM rec_pairs p JOIN reach ra ON ra.item = p.a JOIN reach rb ON rb.item = p.b),
                ranked AS (
                    SELECT item, other, s, row_number() OVER (PARTITION BY item ORDER BY s DESC, other) AS r
                    FROM (SELECT a AS item, b AS other, s FROM scored UNION ALL SELECT b, a, s FROM scored)
                    QUALIFY r <= $n)
                SELECT item, NULL, n, 0 FROM reach
                UNION ALL SELECT item, other, s, r FROM ranked
                ORDER BY 1, 4
                """, ("n", shape.Neighbours));
            while (reader.Read())
            {
                var item = Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) - 1;
                if (reader.IsDBNull(1))
                    reach[item] = Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
                else
                    neighbours[item].Add((Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) - 1, reader.GetFloat(2)));
            }
        }
        finally
        {
            DropRankingTables(connection);
        }
        return new ItemWindow(items, categories, reach, neighbours, interactions);
    }

    /// <inheritdoc />
    public async Task<CoVisitCounts> ReadCoVisitsAsync(string projectId, DateTime from, int maxItemsPerVisit, IReadOnlyCollection<string> items,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        var reach = new Dictionary<string, int>(StringComparer.Ordinal);
        var pairs = new List<(string, string, int)>();
        // Only the visits that hold an asked item are ranked: an erasure costs the visits of what the person touched.
        // Those visits are found first, so the window is scanned once for them and once joined to them (a CTE read
        // twice was 1.8x the time at 10M), and pairs are counted from the asked items' rows, not from a self-join of
        // every visit item filtered afterwards (3x).
        try
        {
            var asked = items.ToList();
            (string, object?)[] args = [("p", ProjectNumber(projectId)), ("from", from), ("items", asked)];
            Execute(connection, $"CREATE OR REPLACE TEMP TABLE rec_v AS SELECT DISTINCT person, visit FROM ({VisitTouches}) WHERE list_contains($items, item)", args);
            Execute(connection, $"""
                CREATE OR REPLACE TEMP TABLE rec_vt AS
                SELECT person, visit, item, max({NewestKey}) AS newest FROM ({VisitTouches}) SEMI JOIN rec_v USING (person, visit)
                GROUP BY ALL
                """, args);
            RankVisitItems(connection, maxItemsPerVisit);
            // A pair of two asked items is counted once, from its smaller item's row.
            using var reader = Query(connection, """
                SELECT item, NULL, count(*) FROM rec_vi WHERE list_contains($items, item) GROUP BY item
                UNION ALL
                SELECT least(a.item, b.item), greatest(a.item, b.item), count(*)
                FROM (FROM rec_vi WHERE list_contains($items, item)) a JOIN rec_vi b ON a.person = b.person AND a.visit = b.visit AND a.item <> b.item
                WHERE NOT list_contains($items, b.item) OR a.item < b.item GROUP BY ALL
                """, ("items", asked));
            while (reader.Read())
            {
                if (reader.IsDBNull(1))
                    reach[reader.GetString(0)] = (int)reader.GetInt64(2);
                else
                    pairs.Add((reader.GetString(0), reader.GetString(1), (int)reader.GetInt64(2)));
            }
        }
        finally
        {
            DropRankingTables(connection);
        }
        return new CoVisitCounts(reach, pairs);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ProductPurchase>> ReadPurchasesAsync(string projectId, DateTime from, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default)
    {
        var args = new List<(string, object?)> { ("p", ProjectNumber(projectId)), ("from", from) };
        if (items is not null)
            args.Add(("items", items.ToList()));
        await using var connection = await OpenReadAsync(cancellationToken);
        using var reader = Query(connection, $"""
            SELECT {TouchPerson} AS person, t.item, t.time {TouchesWithPersons}
            WHERE t.project = $p AND t.time >= $from AND t.action = '{BuiltInActions.Purchase}' {ItemsFilter(items)}
            ORDER BY person, t.item, t.time, t.seq
            """, args.ToArray());
        var purchases = new List<ProductPurchase>();
        var shared = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
            purchases.Add(new ProductPurchase(reader.GetInt64(0), Share(shared, reader.GetString(1)), Utc(reader.GetDateTime(2))));
        return purchases;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RecentTouch>> ReadRecentTouchesAsync(string projectId, DateTime from, DateTime now, int hours, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default)
    {
        var args = new List<(string, object?)> { ("p", ProjectNumber(projectId)), ("from", from), ("start", now.AddHours(-hours)), ("now", now) };
        if (items is not null)
            args.Add(("items", items.ToList()));
        await using var connection = await OpenReadAsync(cancellationToken);
        using var reader = Query(connection, $"""
            SELECT {TouchPerson} AS person, t.item, t.action, max(t.time) {TouchesWithPersons}
            WHERE t.project = $p AND t.time >= $from AND t.time > $start AND t.time <= $now AND t.action IN ({WeightedActions}) {ItemsFilter(items)}
            GROUP BY ALL
            """, args.ToArray());
        var touches = new List<RecentTouch>();
        var shared = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
            touches.Add(new RecentTouch(reader.GetInt64(0), Share(shared, reader.GetString(1)), Share(shared, reader.GetString(2)), Utc(reader.GetDateTime(3))));
        return touches;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PersonTouch>> ReadPersonTouchesAsync(string projectId, Identifier who, DateTime from, CancellationToken cancellationToken = default)
    {
        // The identity index holds the person's identifiers and their touches: no DuckDB read, so no connection.
        IReadOnlyList<PersonTouch> touches = ReadPerson(ProjectNumber(projectId), who) is { } person
            ? Index.Touches(person.Ids).Where(t => t.Time >= from).Select(t => new PersonTouch(t.Item, t.Action, t.Time)).ToList()
            : [];
        return Task.FromResult(touches);
    }
}
