using DuckDB.NET.Data;
using Footfall.Events;
using Microsoft.Extensions.Logging;

namespace Footfall.Storage.DuckDb;

/// <summary>
/// Co-visit counts kept between model refreshes. <c>model_visits</c> holds each counted visit's newest N distinct items
/// (filed under its person as of the count), <c>model_pairs</c> the visits each pair of items shares and
/// <c>model_item_reach</c> the visits each item is in, over the window and the touches <c>model_state</c> names. A count
/// brings them up to date by recounting only the persons whose visits may have changed since: those with a new touch, with a touch that left the window, and those the writer
/// queued in <c>model_changes</c> (both persons of a link, every identifier of an erased person). A person's visits
/// depend on nothing else, so the kept counts equal a count of the whole window (the property tests hold them to
/// <see cref="Recommendations.InteractionAggregates"/>). The window's items are kept per day the same way
/// (<c>model_item_days</c>, with the item days an erasure deleted touches from queued in <c>model_item_changes</c>).
/// Only the counting connection writes these tables, one count at a time, in one transaction: the writer only appends
/// to the two queues, and a count deletes only the queued rows its snapshot saw.
/// <para>
/// A DELETE costs DuckDB ~17 KB of memory for every vector of 2,048 rows it touches, held until the next checkpoint and
/// never evicted (an UPDATE 34-50 KB, until it commits): in bench/sql/delete-memory.sql one row deleted in each vector of
/// a 50M-row table held 407 MB after the commit. So the counts are laid out for deletes that touch few vectors: a
/// count's pair changes are appended to <c>model_pair_changes</c> (a few thousand changed pairs touched most of model_pairs' vectors, and a count at 100M
/// events ran out of a 512MB buffer) and folded into <c>model_pairs</c> by rewriting it once they are many; the kept
/// visits are in person order, so a recounted person's rows share one or two vectors; and a refresh checkpoints after
/// its count.
/// </para>
/// </summary>
public sealed partial class DuckDbEventStore
{
    // One count at a time: two would recount the same persons and conflict on their rows. One ranking at a time: two
    // would conflict on model_neighbours.
    private readonly SemaphoreSlim _counting = new(1, 1);
    private readonly SemaphoreSlim _ranking = new(1, 1);

    /// <summary>The lock a model count holds (tests hold it to stand for a count running).</summary>
    internal SemaphoreSlim CountLock => _counting;

    /// <summary>Queues persons whose counted visits changed for the next count. Inside the writer's transaction.</summary>
    private void QueueModelChanges(IEnumerable<(int Project, long Person)> persons)
    {
        using var appender = _writeConnection.CreateAppender("model_changes");
        foreach (var (project, person) in persons)
            appender.CreateRow().AppendValue(project).AppendValue(person).EndRow();
    }

    /// <summary>Queues item days (item, <see cref="TouchDay"/>) whose touches changed for a recount. Inside the writer's transaction.</summary>
    private void QueueItemDays(int project, IEnumerable<(string Item, long Day)> days)
    {
        using var appender = _writeConnection.CreateAppender("model_item_changes");
        foreach (var (item, day) in days.Distinct())
            appender.CreateRow().AppendValue(project).AppendValue(item).AppendValue(day).EndRow();
    }

    /// <summary><see cref="TouchDay"/> of a touch at <paramref name="time"/>, as DuckDB computes it from the stored microseconds.</summary>
    private static long DayOf(DateTime time) => (time - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond / 86_400_000_000;

    /// <summary>The start and visit size of the project's kept counts (model_state), if any are kept.</summary>
    private static (DateTime From, int ItemsPerVisit)? KeptWindow(DuckDBConnection connection, int project)
    {
        using var reader = Query(connection, "SELECT window_from, items_per_visit FROM model_state WHERE project = $p", ("p", project));
        return reader.Read() ? (Utc(reader.GetDateTime(0)), reader.GetInt32(1)) : null;
    }

    /// <summary>
    /// The start of the project's kept co-visit window, if its counts can be brought to a window from
    /// <paramref name="from"/>; otherwise (none kept, an earlier window, another visit size) the kept counts are deleted
    /// before the count that follows, outside its transaction: deleting 80M kept rows in the count's transaction held
    /// them in memory, and the count ran out of a 512MB buffer at 100M events.
    /// Caller holds <see cref="_counting"/>, and no transaction on <paramref name="connection"/>.
    /// </summary>
    private DateTime? KeptCoVisitsFrom(DuckDBConnection connection, int project, DateTime from, int maxItemsPerVisit)
    {
        if (KeptWindow(connection, project) is { } kept && kept.ItemsPerVisit == maxItemsPerVisit && kept.From <= from)
            return kept.From;
        // The kept tables that hold rows of the project are rebuilt without them and the old ones dropped: a DELETE of
        // 80M rows left the next checkpoint rewriting their row groups, which failed in a 512MB buffer at 100M events (and
        // a failed checkpoint invalidates the database). A project with nothing kept (one without touches: no count ever
        // keeps it) rewrote every table at each refresh, 5 s of both cores at 100M events. A count holding _counting
        // writes them, a ranking holding _ranking reads them.
        var holding = KeptTables.Where(table => Holds(connection, table, project)).ToList();
        if (holding.Count > 0)
        {
            _ranking.Wait();
            try
            {
                foreach (var table in holding)
                    Execute(connection, $"BEGIN; {Rewrite(table)} COMMIT;", ("p", project));
            }
            finally
            {
                _ranking.Release();
            }
        }
        Execute(connection, "DELETE FROM model_state WHERE project = $p; DELETE FROM model_changes WHERE project = $p", ("p", project));
        return null;
    }

    // The tables of the kept counts with rows per project.
    private static readonly string[] KeptTables =
        ["model_visits", "model_pairs", "model_pairs_by_item", "model_pair_changes", "model_item_reach", "model_purchases"];

    // Whether the table has a row of the project: DuckDB skips the row groups whose project range leaves it out.
    private static bool Holds(DuckDBConnection connection, string table, int project)
    {
        using var reader = Query(connection, $"SELECT 1 FROM {table} WHERE project = $p LIMIT 1", ("p", project));
        return reader.Read();
    }

    /// <summary>
    /// Moves the project's kept window toward <paramref name="from"/> a step at a time while more than
    /// <see cref="WindowStepTouches"/> touches have left it since the last count (a refresh after a long stop): each step
    /// is a count of its own, committed and checkpointed. A count's deletes hold memory until a checkpoint (see the class's
    /// remarks), and one count after 3 h without one at 100M events (70,771 touches of 19,401 identifiers left the
    /// window) ran out of a 384MB buffer. The caller's count takes the rest.
    /// Caller holds <see cref="_counting"/>, kept counts of this visit size, and no transaction on <paramref name="connection"/>.
    /// </summary>
    private void StepKeptWindow(DuckDBConnection connection, int project, DateTime from, int maxItemsPerVisit)
    {
        while (KeptWindow(connection, project) is { } kept && kept.From < from)
        {
            // The first touch past the step's: the step's touches leave with the window moved to its time.
            DateTime step;
            using (var reader = Query(connection, $"""
                SELECT time FROM product_touches WHERE project = $p AND time >= $kept AND time < $from AND action IN ({WeightedActions})
                ORDER BY time LIMIT 1 OFFSET $n
                """, ("p", project), ("kept", kept.From), ("from", from), ("n", WindowStepTouches)))
            {
                if (!reader.Read())
                    return;
                step = Utc(reader.GetDateTime(0));
            }
            if (step <= kept.From)
                return;
            using (var transaction = connection.BeginTransaction())
            {
                CountCoVisits(connection, project, step, maxItemsPerVisit);
                transaction.Commit();
            }
            TryCheckpoint(connection, "a step of the model count");
        }
    }

    /// <summary>
    /// Lets go of the memory deletes hold until a checkpoint (see the class's remarks). A checkpoint DuckDB cannot take
    /// at this moment is taken by a later commit; until then, the next deletes hold more.
    /// </summary>
    private void TryCheckpoint(DuckDBConnection connection, string after)
    {
        try
        {
            Execute(connection, "CHECKPOINT");
        }
        catch (Exception ex) when (ex is DuckDBException or StoreLimitException)
        {
            _logger.LogDebug(ex, "No checkpoint after {After}", after);
        }
    }

    /// <summary>
    /// Brings the project's kept counts to the window from <paramref name="from"/> as the connection's transaction sees
    /// the touches, or counts the window whole when none are kept (<see cref="KeptCoVisitsFrom"/> ran first).
    /// Caller holds <see cref="_counting"/> and a transaction on <paramref name="connection"/>.
    /// </summary>
    private static void CountCoVisits(DuckDBConnection connection, int project, DateTime from, int maxItemsPerVisit)
    {
        long? seq = null;
        var keptFrom = from;
        using (var reader = Query(connection, "SELECT seq, window_from FROM model_state WHERE project = $p", ("p", project)))
        {
            if (reader.Read())
            {
                seq = reader.GetInt64(0);
                keptFrom = Utc(reader.GetDateTime(1));
            }
        }
        (string, object?)[] args = [("p", project), ("from", from), ("seq", seq ?? -1), ("kept", keptFrom)];
        var upTo = Scalar<long>(connection, "SELECT coalesce(max(seq), $seq) FROM product_touches WHERE project = $p AND seq > $seq", args);
        // Nothing new, the window where it was and no person queued: the counts are up to date. An erasure's reads count
        // twice (its purchases and its co-visits), and the second found nothing in 40-60 ms of statements at 100M events.
        if (seq == upTo && keptFrom == from && !Holds(connection, "model_changes", project))
            return;
        // Items are counted by number: integer keys keep the pair counts small. Numbers are never reused.
        Execute(connection, $"""
            INSERT INTO model_items
            SELECT $p, (SELECT coalesce(max(no), 0) FROM model_items WHERE project = $p) + row_number() OVER (ORDER BY item), item
            FROM (SELECT DISTINCT item FROM product_touches WHERE project = $p AND seq > $seq AND time >= $from AND action IN ({WeightedActions}))
            WHERE item NOT IN (SELECT item FROM model_items WHERE project = $p)
            """, args);
        if (seq is null)
        {
            Execute(connection, $"""
                CREATE OR REPLACE TEMP TABLE rec_vt AS
                SELECT w.person, w.visit, i.no AS item, max({NewestKey}) AS newest FROM ({VisitTouches}) w
                JOIN model_items i ON i.project = $p AND i.item = w.item
                GROUP BY ALL
                """, args);
            RankVisitItems(connection, maxItemsPerVisit);
            Execute(connection, """
                INSERT INTO model_pairs
                SELECT $p, a.item, b.item, count(*) FROM rec_vi a JOIN rec_vi b ON a.person = b.person AND a.visit = b.visit AND a.item < b.item
                GROUP BY ALL;
                INSERT INTO model_item_reach SELECT $p, item, count(*) FROM rec_vi GROUP BY item;
                """, ("p", project));
            Execute(connection, $"INSERT INTO model_pairs_by_item {PairsByItem}", ("p", project));
            Execute(connection, $"""
                INSERT INTO model_purchases
                SELECT $p, {TouchPerson} AS person, i.no, t.time {TouchesWithPersons} JOIN model_items i ON i.project = $p AND i.item = t.item
                WHERE t.project = $p AND t.time >= $from AND t.action = '{BuiltInActions.Purchase}'
                ORDER BY person
                """, args);
        }
        else
        {
            // The persons to recount, as they are now: a new touch's, a leaving touch's, and the queued ones (under their
            // numbers then and now: an absorbed person's visits are filed under its old number). Two scans, not one with
            // OR: each alone skips the row groups outside its seq or time range (one scan with OR read them all: 449 ms
            // at 10M events with nothing new).
            // The identifiers first, then their persons: in one statement DuckDB built its join's hash table from every
            // moved identifier (833K of 5.9M at 100M events), 25-50 ms for each count, also one with no touch to look up.
            Execute(connection, $"""
                CREATE OR REPLACE TEMP TABLE rec_touched AS
                SELECT ident FROM product_touches WHERE project = $p AND seq > $seq AND time >= $from AND action IN ({WeightedActions})
                UNION ALL
                SELECT ident FROM product_touches WHERE project = $p AND time >= $kept AND time < $from AND action IN ({WeightedActions});
                CREATE OR REPLACE TEMP TABLE rec_persons AS
                SELECT coalesce(m.person, t.ident) AS person FROM rec_touched t LEFT JOIN {MovedIdents} m ON m.id = t.ident
                UNION SELECT person FROM model_changes WHERE project = $p;
                DROP TABLE rec_touched;
                """, args);
            Execute(connection, """
                CREATE OR REPLACE TEMP TABLE rec_old AS SELECT person, visit, item FROM model_visits WHERE project = $p AND person IN (FROM rec_persons);
                DELETE FROM model_visits WHERE project = $p AND person IN (FROM rec_persons);
                DELETE FROM model_changes WHERE project = $p;
                """, ("p", project));
            // Their touches are read once for their visits and their purchases (filed again, in person order as the
            // visits): two reads of the touches took 1.5 + 0.9 s at 100M events after 7,000 new views.
            Execute(connection, $"""
                CREATE OR REPLACE TEMP TABLE rec_pt AS
                SELECT s.person, t.session, t.time, t.seq, t.action, i.no AS item
                FROM product_touches t JOIN (SELECT id, person FROM idents WHERE project = $p AND person IN (FROM rec_persons)) s ON s.id = t.ident
                JOIN model_items i ON i.project = $p AND i.item = t.item
                WHERE t.project = $p AND t.time >= $from AND t.action IN ({WeightedActions});
                DELETE FROM model_purchases WHERE project = $p AND person IN (FROM rec_persons);
                INSERT INTO model_purchases SELECT $p, person, item, time FROM rec_pt WHERE action = '{BuiltInActions.Purchase}' ORDER BY person;
                CREATE OR REPLACE TEMP TABLE rec_vt AS
                SELECT person, coalesce(session, epoch_us(time) // 86400000000 + 719162) AS visit, item, max({NewestKey}) AS newest FROM rec_pt
                GROUP BY ALL;
                DROP TABLE rec_pt;
                """, args);
            RankVisitItems(connection, maxItemsPerVisit);
            // The recounted visits' pairs added, their old ones taken away, as a change appended to model_pair_changes
            // (KeptPairs adds the changes up; FoldPairChangesAsync folds them into model_pairs).
            Execute(connection, """
                INSERT INTO model_pair_changes
                SELECT $p, a, b, sum(d) FROM (
                    SELECT x.item AS a, y.item AS b, 1 AS d FROM rec_vi x JOIN rec_vi y ON x.person = y.person AND x.visit = y.visit AND x.item < y.item
                    UNION ALL
                    SELECT x.item, y.item, -1 FROM rec_old x JOIN rec_old y ON x.person = y.person AND x.visit = y.visit AND x.item < y.item)
                GROUP BY ALL HAVING sum(d) <> 0;
                """, ("p", project));
            // Each item's reach (the visits it is in) changed the same way; a small table, its changed rows deleted and
            // inserted again.
            Execute(connection, """
                CREATE OR REPLACE TEMP TABLE rec_reach_change AS
                SELECT c.item, coalesce(r.n, 0) + c.d AS n FROM (
                    SELECT item, sum(d) AS d FROM (SELECT item, 1 AS d FROM rec_vi UNION ALL SELECT item, -1 FROM rec_old) GROUP BY item HAVING sum(d) <> 0) c
                LEFT JOIN model_item_reach r ON r.project = $p AND r.item = c.item;
                DELETE FROM model_item_reach WHERE project = $p AND item IN (SELECT item FROM rec_reach_change);
                INSERT INTO model_item_reach SELECT $p, item, n FROM rec_reach_change WHERE n > 0;
                DROP TABLE rec_reach_change; DROP TABLE rec_persons; DROP TABLE rec_old;
                """, ("p", project));
        }
        // In person order: the next count's delete of a recounted person's visits touches the vectors of their rows only.
        Execute(connection, "INSERT INTO model_visits SELECT $p, person, visit, item FROM rec_vi ORDER BY person; DROP TABLE rec_vi", ("p", project));
        Execute(connection, "INSERT OR REPLACE INTO model_state VALUES ($p, $seq, $from, $k)",
            ("p", project), ("seq", upTo), ("from", from), ("k", maxItemsPerVisit));
    }

    /// <summary>
    /// The project's kept pair counts (rows a, b, n; n > 0) where <paramref name="filter"/> (over a and b) holds:
    /// model_pairs with the changes appended since its last fold added. The changes are summed per pair and hashed; the
    /// pairs are only scanned. Reads <c>$p</c>.
    /// </summary>
    private static string KeptPairs(string filter = "true") => $"""
        (SELECT coalesce(p.a, c.a) AS a, coalesce(p.b, c.b) AS b, CAST(coalesce(p.n, 0) + coalesce(c.n, 0) AS INTEGER) AS n
         FROM (SELECT a, b, n FROM model_pairs WHERE project = $p AND {filter}) p
         FULL JOIN (SELECT a, b, sum(n) AS n FROM model_pair_changes WHERE project = $p AND {filter} GROUP BY a, b) c ON c.a = p.a AND c.b = p.b
         WHERE coalesce(p.n, 0) + coalesce(c.n, 0) > 0)
        """;

    /// <summary>
    /// Folds the project's pair changes into model_pairs once they are <see cref="PairChangesFoldRows"/> rows or more: the
    /// table is written again with the changes added, without a DELETE (see the class's remarks), and the old one dropped.
    /// Caller holds <see cref="_counting"/>, and no transaction on <paramref name="connection"/>.
    /// </summary>
    private async Task FoldPairChangesAsync(DuckDBConnection connection, int project, CancellationToken cancellationToken)
    {
        if (Scalar<long>(connection, "SELECT count(*) FROM model_pair_changes WHERE project = $p", ("p", project)) < PairChangesFoldRows)
            return;
        await _ranking.WaitAsync(cancellationToken);
        try
        {
            Execute(connection, $"""
                BEGIN;
                {Rewrite("model_pairs", $"SELECT $p, * FROM {KeptPairs()}")}
                {Rewrite("model_pairs_by_item", PairsByItem)}
                {Rewrite("model_pair_changes")}
                COMMIT;
                """, ("p", project));
        }
        finally
        {
            _ranking.Release();
        }
    }

    // Project $p's kept pairs in both directions, as model_pairs_by_item keeps them (schema 16), from model_pairs: in
    // project and item order (in a rewrite, the ORDER BY sorts the other projects' rows too). Sorting them took 15.5 s at
    // 100M events (64M rows in a 384MB buffer), at a whole count or a fold.
    private const string PairsByItem = """
        SELECT project, a, b, n FROM model_pairs WHERE project = $p UNION ALL SELECT project, b, a, n FROM model_pairs WHERE project = $p
        ORDER BY 1, 2
        """;

    // Writes a kept table again without project $p's rows, with projectRows (a query) in their place: a DELETE of many
    // rows holds memory until a checkpoint (see the class's remarks) and leaves the checkpoint rewriting their row groups.
    private static string Rewrite(string table, string? projectRows = null) => $"""
        CREATE TABLE {table}_kept AS SELECT * FROM {table} WHERE project <> $p{(projectRows is null ? "" : " UNION ALL " + projectRows)};
        DROP TABLE {table};
        ALTER TABLE {table}_kept RENAME TO {table};
        """;

    // The co-visit score of a kept pair row p, its items' reach ra and rb: as the definition computes it, in single precision.
    private const string PairScore = "CAST(p.n / sqrt(CAST(ra.n AS DOUBLE) * rb.n) AS FLOAT)";

    /// <summary>
    /// Fills rec_reach (item, n) from the kept reach and rec_ranked (item, other, s) with each item's top
    /// <paramref name="neighbours"/> by score, ties to the earlier item in rec_order, and keeps them in
    /// model_neighbours. Ranking every pair each time took 11-14 s at 100M events (30M pairs), so each item's
    /// candidates are first cut at a floor: the lowest score now of its last kept neighbours, when there are enough of
    /// them. Those are real pairs, so the item's true top list scores at least that, whatever changed since; the cut
    /// only keeps the ranking from sorting pairs that cannot enter a top list.
    /// </summary>
    private static void RankNeighbours(DuckDBConnection connection, int project, int neighbours)
    {
        (string, object?)[] args = [("p", project), ("n", neighbours)];
        Execute(connection, "CREATE OR REPLACE TEMP TABLE rec_reach AS SELECT item, n FROM model_item_reach WHERE project = $p", args);
        Execute(connection, $"""
            CREATE OR REPLACE TEMP TABLE rec_floor AS
            SELECT k.item, min({PairScore}) AS floor FROM model_neighbours k
            JOIN {KeptPairs()} p ON p.a = least(k.item, k.other) AND p.b = greatest(k.item, k.other)
            JOIN rec_reach ra ON ra.item = p.a JOIN rec_reach rb ON rb.item = p.b
            WHERE k.project = $p GROUP BY k.item HAVING count(*) >= $n
            """, args);
        Execute(connection, $"""
            CREATE OR REPLACE TEMP TABLE rec_scored AS
            SELECT a, b, s, s >= coalesce(fa.floor, 0) AS for_a, s >= coalesce(fb.floor, 0) AS for_b FROM (
                SELECT p.a, p.b, {PairScore} AS s FROM {KeptPairs()} p JOIN rec_reach ra ON ra.item = p.a JOIN rec_reach rb ON rb.item = p.b)
            LEFT JOIN rec_floor fa ON fa.item = a LEFT JOIN rec_floor fb ON fb.item = b
            WHERE for_a OR for_b
            """, args);
        Execute(connection, """
            CREATE OR REPLACE TEMP TABLE rec_ranked AS
            SELECT c.item, c.other, c.s FROM (
                SELECT a AS item, b AS other, s FROM rec_scored WHERE for_a UNION ALL SELECT b, a, s FROM rec_scored WHERE for_b) c
            JOIN rec_order o ON o.no = c.other
            QUALIFY row_number() OVER (PARTITION BY c.item ORDER BY c.s DESC, o.pos) <= $n;
            DELETE FROM model_neighbours WHERE project = $p;
            INSERT INTO model_neighbours SELECT $p, item, other FROM rec_ranked;
            DROP TABLE rec_floor; DROP TABLE rec_scored;
            """, args);
    }

    // A touch's day (days since 1970, UTC), as model_item_days files it.
    private const string TouchDay = "epoch_us(time) // 86400000000";

    // Per item and day: touches, the first, the newest category and its touch. As columns of model_item_days.
    private const string ItemDayAggregates = $"""
        count(*) AS n, min({NewestKey}) AS first, arg_max(category, {NewestKey}) FILTER (WHERE category IS NOT NULL) AS category,
        max({NewestKey}) FILTER (WHERE category IS NOT NULL) AS category_key
        """;

    /// <summary>
    /// The window's items from <paramref name="from"/> on in first-interaction order, each one's newest category, and the
    /// window's touches: summed from model_item_days for the whole days after <paramref name="from"/>'s, from the touches
    /// for the rest of its day (scanning the window took 6.3 s at 100M events). The kept days are first brought up to
    /// date: the touches past the kept seq merged in, the days an erasure took touches from counted again, the days
    /// before the window's deleted. Caller holds <see cref="_counting"/> and a transaction on <paramref name="connection"/>.
    /// </summary>
    private static long ReadWindowItems(DuckDBConnection connection, int project, DateTime from, List<string> itemList, List<string?> categories)
    {
        var day = (from - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerDay;
        var dayStart = DateTime.UnixEpoch.AddDays(day);
        long? seq = null;
        using (var reader = Query(connection, "SELECT seq, day FROM model_item_state WHERE project = $p", ("p", project)))
        {
            if (reader.Read() && reader.GetInt64(1) <= day)
                seq = reader.GetInt64(0);
        }
        (string, object?)[] args = [("p", project), ("seq", seq ?? -1), ("day", day), ("start", dayStart)];
        var upTo = Scalar<long>(connection, "SELECT coalesce(max(seq), $seq) FROM product_touches WHERE project = $p AND seq > $seq", args);
        if (seq is null)
        {
            Execute(connection, $"""
                DELETE FROM model_item_days WHERE project = $p;
                DELETE FROM model_item_changes WHERE project = $p;
                INSERT INTO model_item_days SELECT $p, item, {TouchDay} AS day, {ItemDayAggregates}
                FROM product_touches WHERE project = $p AND time >= $start GROUP BY item, day ORDER BY day;
                """, args);
        }
        else
        {
            // Days an erasure took touches from are counted again from what is left up to the kept seq; the merge after
            // adds what came later, as for every other day.
            Execute(connection, $"""
                CREATE OR REPLACE TEMP TABLE rec_days AS SELECT DISTINCT item, day FROM model_item_changes WHERE project = $p AND day >= $day;
                DELETE FROM model_item_days WHERE project = $p AND (item, day) IN (SELECT (item, day) FROM rec_days);
                INSERT INTO model_item_days SELECT $p, item, {TouchDay} AS day, {ItemDayAggregates} FROM product_touches
                WHERE project = $p AND seq <= $seq AND time >= $start AND (item, {TouchDay}) IN (SELECT (item, day) FROM rec_days)
                GROUP BY item, day;
                DELETE FROM model_item_changes WHERE project = $p;
                DROP TABLE rec_days;
                """, args);
            // Deleted and inserted again, not updated (an UPDATE holds 34-50 KB of undo per vector it touches until it
            // commits); the table is in day order, so the days merged again (the newest) share few vectors.
            Execute(connection, $"""
                CREATE OR REPLACE TEMP TABLE rec_day_counts AS
                SELECT d.item, d.day, coalesce(k.n, 0) + d.n AS n, least(k.first, d.first) AS first,
                    CASE WHEN d.category_key > coalesce(k.category_key, -1) THEN d.category ELSE k.category END AS category,
                    CASE WHEN d.category_key > coalesce(k.category_key, -1) THEN d.category_key ELSE k.category_key END AS category_key
                FROM (SELECT item, {TouchDay} AS day, {ItemDayAggregates} FROM product_touches
                      WHERE project = $p AND seq > $seq AND time >= $start GROUP BY item, day) d
                LEFT JOIN model_item_days k ON k.project = $p AND k.item = d.item AND k.day = d.day;
                DELETE FROM model_item_days WHERE project = $p AND (item, day) IN (SELECT (item, day) FROM rec_day_counts);
                INSERT INTO model_item_days SELECT $p, * FROM rec_day_counts;
                DROP TABLE rec_day_counts;
                """, args);
            Execute(connection, "DELETE FROM model_item_days WHERE project = $p AND day < $day", args);
        }
        Execute(connection, "INSERT OR REPLACE INTO model_item_state VALUES ($p, $seq, $day)", ("p", project), ("seq", upTo), ("day", day));
        long interactions = 0;
        using var items = Query(connection, $"""
            SELECT item, arg_max(category, category_key) FILTER (WHERE category IS NOT NULL), sum(n)::BIGINT, min(first) AS first FROM (
                SELECT item, category, category_key, n, first FROM model_item_days WHERE project = $p AND day > $day
                UNION ALL
                SELECT item, category, {NewestKey}, 1, {NewestKey} FROM product_touches WHERE project = $p AND time >= $from AND time < $end)
            GROUP BY item ORDER BY first
            """, ("p", project), ("day", day), ("from", from), ("end", dayStart.AddDays(1)));
        while (items.Read())
        {
            itemList.Add(items.GetString(0));
            categories.Add(NullableString(items, 1));
            interactions += items.GetInt64(2);
        }
        return interactions;
    }
}
