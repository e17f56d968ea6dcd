using DuckDB.NET.Data;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Recommendations;
using Microsoft.Extensions.Logging;

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
        var project = ProjectNumber(projectId);
        var items = new List<string>();
        var categories = new List<string?>();
        long interactions = 0;
        await using var connection = await OpenReadAsync(cancellationToken);
        // The counts are brought up to date and committed first, in one snapshot of the touches; the ranking reads them
        // in a second transaction. In one transaction, the count's changes to model_pairs stayed in memory through the
        // ranking's joins, which then ran out of a 512MB buffer at 100M events. Only the count holds _counting: an
        // erasure's recount (ReadCoVisitsAsync) waits for it, not for the ranking (about half a refresh at 10M events).
        await _counting.WaitAsync(cancellationToken);
        try
        {
            if (project >= 0 && KeptCoVisitsFrom(connection, project, from, shape.MaxItemsPerVisit) is not null)
                StepKeptWindow(connection, project, from, shape.MaxItemsPerVisit);
            using var transaction = connection.BeginTransaction();
            if (project >= 0)
            {
                interactions = ReadWindowItems(connection, project, from, items, categories);
                if (items.Count > 0)
                    CountCoVisits(connection, project, from, shape.MaxItemsPerVisit);
            }
            transaction.Commit();
            if (project >= 0)
            {
                await FoldPairChangesAsync(connection, project, cancellationToken);
                TryCheckpoint(connection, "the model count");
            }
        }
        finally
        {
            _counting.Release();
        }
        var (reach, neighbours) = ItemWindow.EmptyLists(items.Count);
        if (items.Count == 0)
            return new ItemWindow(items, categories, reach, neighbours, interactions);
        // The ranking reads the kept counts as they are now: an erasure's recount may have taken a person out since the
        // count above (RecommendationModels takes them out of this model again). Only the ranking writes model_neighbours.
        await _ranking.WaitAsync(cancellationToken);
        try
        {
            using var transaction = connection.BeginTransaction();
            // Each counted item's place in the window's order (from 1), which breaks ties as the definition does.
            Execute(connection, """
                CREATE OR REPLACE TEMP TABLE rec_order AS
                SELECT i.no, o.pos FROM (SELECT unnest($order) AS item, generate_subscripts($order, 1) AS pos) o
                JOIN model_items i ON i.project = $p AND i.item = o.item
                """, ("p", project), ("order", items));
            RankNeighbours(connection, project, shape.Neighbours);
            // Rows with a null neighbour carry an item's reach; the others its top neighbours, best first.
            using (var reader = Query(connection, """
                SELECT o.pos, NULL, r.n, 0 FROM rec_reach r JOIN rec_order o ON o.no = r.item
                UNION ALL
                SELECT oi.pos, oo.pos, r.s, row_number() OVER (PARTITION BY r.item ORDER BY r.s DESC, oo.pos)
                FROM rec_ranked r JOIN rec_order oi ON oi.no = r.item JOIN rec_order oo ON oo.no = r.other
                ORDER BY 1, 4
                """))
            {
                while (reader.Read())
                {
                    var item = Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) - 1;
                    if (reader.IsDBNull(1))
                        reach[item] = Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
                    else
                        neighbours[item].Add((Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) - 1, reader.GetFloat(2)));
                }
            }
            transaction.Commit();
        }
        finally
        {
            _ranking.Release();
        }
        return new ItemWindow(items, categories, reach, neighbours, interactions);
    }

    /// <inheritdoc />
    public async Task<CoVisitCounts> ReadCoVisitsAsync(string projectId, DateTime from, int maxItemsPerVisit, IReadOnlyCollection<string> items,
        CoVisitCut? cut = null, CancellationToken cancellationToken = default)
    {
        var project = ProjectNumber(projectId);
        var reach = new Dictionary<string, int>(StringComparer.Ordinal);
        var pairs = new List<(string, string, int)>();
        if (project < 0)
            return new CoVisitCounts(reach, pairs);
        // An erasure reads the counts of what the person touched: the count takes them out (they were queued), then the
        // asked items' rows are read from the kept counts.
        await _counting.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenReadAsync(cancellationToken);
            // An erasure beside a refresh recounts the model the refresh replaces, whose window is older than the counts
            // the refresh kept: it reads the kept window (a whole count at 100M events takes 90 s), and the refresh's
            // model takes the person out again (RecommendationModels' erasure log) with its own window's counts.
            var kept = KeptCoVisitsFrom(connection, project, DateTime.MaxValue, maxItemsPerVisit);
            if (kept > from)
                from = kept.Value;
            else if (kept is not null)
                StepKeptWindow(connection, project, from, maxItemsPerVisit);
            // The count is committed before the reads: temp tables written in a transaction that wrote are kept in its
            // local storage, and the cut's statements over them ran 2-8x slower there at 100M events. No other count
            // writes the kept tables while this one holds _counting.
            using (var transaction = connection.BeginTransaction())
            {
                CountCoVisits(connection, project, from, maxItemsPerVisit);
                transaction.Commit();
            }
            Execute(connection, """
                CREATE OR REPLACE TEMP TABLE rec_asked AS
                WITH asked AS (SELECT no, item FROM model_items WHERE project = $p AND list_contains($items, item)),
                counted AS (SELECT item AS no, n FROM model_item_reach WHERE project = $p AND item IN (SELECT no FROM asked))
                SELECT a.no, a.item, coalesce(c.n, 0) AS n FROM asked a LEFT JOIN counted c ON c.no = a.no
                """, ("p", project), ("items", items.ToList()));
            // In number order: consecutive numbers' pairs share row groups of model_pairs_by_item (CutPairs reads them in turn).
            var asked = new List<(int No, int Reach)>();
            using (var reader = Query(connection, "SELECT no, item, n FROM rec_asked ORDER BY no"))
            {
                while (reader.Read())
                {
                    var n = (int)reader.GetInt64(2);
                    asked.Add((reader.GetInt32(0), n));
                    if (n > 0)
                        reach[reader.GetString(1)] = n;
                }
            }
            if (cut is null)
            {
                using var reader = Query(connection, $"""
                    SELECT ia.item, ib.item, p.n FROM {KeptPairs("(a IN (SELECT no FROM rec_asked) OR b IN (SELECT no FROM rec_asked))")} p
                    JOIN model_items ia ON ia.project = $p AND ia.no = p.a JOIN model_items ib ON ib.project = $p AND ib.no = p.b
                    """, ("p", project));
                var shared = new Dictionary<string, string>(StringComparer.Ordinal);
                while (reader.Read())
                    pairs.Add((Share(shared, reader.GetString(0)), Share(shared, reader.GetString(1)), reader.GetInt32(2)));
            }
            else
            {
                foreach (var (a, b, count) in CutPairs(connection, project, cut, asked))
                    pairs.Add((cut.Items[a], cut.Items[b], count));
            }
            Execute(connection, "DROP TABLE rec_asked; DROP TABLE IF EXISTS rec_batch");
            return new CoVisitCounts(reach, pairs);
        }
        finally
        {
            _counting.Release();
        }
    }

    /// <summary>
    /// The pairs of the <paramref name="asked"/> items (by number, each with its reach counted again) that <paramref name="cut"/> keeps, by their places in the cut's items: the
    /// asked items' rows (<see cref="AskedPairs"/>) streamed into a <see cref="CoVisitCutCollector"/>, which scores them
    /// as the definition does, a few hundred asked items per read. DuckDB holds a read's rows until they are read, so a
    /// read of every asked item of the most active person at 100M events (6,189 items, half the rows of model_pairs_by_item)
    /// would hold 32M rows.
    /// </summary>
    private static IEnumerable<(int A, int B, int Count)> CutPairs(DuckDBConnection connection, int project, CoVisitCut cut,
        IReadOnlyList<(int No, int Reach)> asked)
    {
        var placeOf = cut.Places();
        // The cut's places by item number (numbers are never reused, so the largest bounds them).
        var place = new int[Scalar<int>(connection, "SELECT coalesce(max(no), 0) + 1 FROM model_items WHERE project = $p", ("p", project))];
        Array.Fill(place, -1);
        using (var reader = Query(connection, "SELECT no, item FROM model_items WHERE project = $p", ("p", project)))
        {
            while (reader.Read())
                place[reader.GetInt32(0)] = placeOf.GetValueOrDefault(reader.GetString(1), -1);
        }
        var inCut = asked.Where(a => place[a.No] >= 0).ToList();
        var collector = new CoVisitCutCollector(cut, inCut.ToDictionary(a => place[a.No], a => a.Reach));
        // DuckDB pushes a join's keys into the scan as an IN filter, which skips the row groups of model_pairs_by_item
        // without an asked item, only up to dynamic_or_filter_threshold keys (50 by default, fewer than an active
        // person's items). The setting is database-wide: it is raised for these reads alone.
        Execute(connection, $"SET dynamic_or_filter_threshold = {CutReadItems}");
        try
        {
            foreach (var batch in inCut.Chunk(CutReadItems))
            {
                Execute(connection, "CREATE OR REPLACE TEMP TABLE rec_batch AS SELECT unnest($nos) AS no", ("nos", batch.Select(a => a.No).ToList()));
                using var reader = Query(connection, $"SELECT item, other, n FROM {AskedPairs}", ("p", project));
                while (reader.Read())
                {
                    var (a, b) = (place[reader.GetInt32(0)], place[reader.GetInt32(1)]);
                    if (a >= 0 && b >= 0)
                        collector.Add(a, b, reader.GetInt32(2));
                }
            }
        }
        finally
        {
            Execute(connection, "RESET dynamic_or_filter_threshold");
        }
        return collector.Kept();
    }

    // Asked items per read of their pairs (CutPairs): each read is held whole, at most this many items' rows.
    private const int CutReadItems = 256;

    /// <summary>
    /// The batch's asked items' (rec_batch) kept pair counts as rows item, other, n (n > 0), each pair of two asked
    /// items twice: model_pairs_by_item's rows of those items, with the changes appended since its last write added (both
    /// ways). Reads <c>$p</c>. The changes' sums are cast back to INTEGER: DuckDB sums into HUGEINT, and adding and
    /// filtering the 6M asked pairs of the 100th most active person at 100M events in 128 bits took 267-303 ms against
    /// 239-250 ms (bench/sql/cut-by-item.sql).
    /// </summary>
    private const string AskedPairs = """
        (SELECT coalesce(p.item, c.item) AS item, coalesce(p.other, c.other) AS other, CAST(coalesce(p.n, 0) + coalesce(c.n, 0) AS INTEGER) AS n
         FROM (SELECT item, other, n FROM model_pairs_by_item WHERE project = $p AND item IN (SELECT no FROM rec_batch)) p
         FULL JOIN (SELECT item, other, CAST(sum(n) AS INTEGER) AS n FROM (
                SELECT a AS item, b AS other, n FROM model_pair_changes WHERE project = $p AND a IN (SELECT no FROM rec_batch)
                UNION ALL
                SELECT b, a, n FROM model_pair_changes WHERE project = $p AND b IN (SELECT no FROM rec_batch))
             GROUP BY item, other) c ON c.item = p.item AND c.other = p.other
         WHERE coalesce(p.n, 0) + coalesce(c.n, 0) > 0)
        """;

    /// <inheritdoc />
    /// <remarks>
    /// From the purchases the co-visit count keeps (model_purchases, filed under each person as of the count), brought
    /// up to date by a count first: so an erasure's read sees the person gone. Scanning the window's touches for their
    /// purchases took ~1 s at 100M events, for any item list. A window older than the kept one is read from the touches.
    /// </remarks>
    public async Task<IReadOnlyList<ProductPurchase>> ReadPurchasesAsync(string projectId, DateTime from, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default)
    {
        var project = ProjectNumber(projectId);
        var args = new List<(string, object?)> { ("p", project), ("from", from) };
        if (items is not null)
            args.Add(("items", items.ToList()));
        await using var connection = await OpenReadAsync(cancellationToken);
        var kept = project >= 0 && await CountKeptPurchasesAsync(connection, project, from, cancellationToken);
        using var reader = Query(connection, kept
            ? $"""
                SELECT p.person, t.item, p.time FROM model_purchases p JOIN model_items t ON t.project = $p AND t.no = p.item
                WHERE p.project = $p AND p.time >= $from {ItemsFilter(items)}
                ORDER BY p.person, t.item, p.time
                """
            : $"""
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

    /// <summary>
    /// Brings the project's kept counts, purchases included, up to date within their window when it starts at or before
    /// <paramref name="from"/>, and says whether it does. The count is committed before the read: the read does not hold
    /// <see cref="_counting"/>, which an erasure's recount waits for.
    /// </summary>
    private async Task<bool> CountKeptPurchasesAsync(DuckDBConnection connection, int project, DateTime from, CancellationToken cancellationToken)
    {
        await _counting.WaitAsync(cancellationToken);
        try
        {
            using var transaction = connection.BeginTransaction();
            if (KeptWindow(connection, project) is not { } kept || kept.From > from)
                return false;
            CountCoVisits(connection, project, kept.From, kept.ItemsPerVisit);
            transaction.Commit();
            return true;
        }
        finally
        {
            _counting.Release();
        }
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
