using CsCheck;
using DuckDB.NET.Data;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Projects;
using Footfall.Recommendations;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Recommendations;

/// <summary>
/// DuckDB keeps co-visit counts between refreshes and recounts only the persons whose visits changed
/// (DuckDbEventStore.CoVisits.cs). Held to the definition (<see cref="InteractionAggregates"/>) after every commit of
/// random histories (links merge persons, touches arrive late), with windows that move forward (touches leave, in one
/// count or a few at a time) and back (counted whole), and after an erasure (in one transaction or in chunks); with the appended pair changes folded after
/// every count, now and then, or never.
/// The purchases the count keeps are held to the definition at the same points.
/// </summary>
public sealed class DuckDbKeptCoVisitsTests : IAsyncLifetime, IDisposable
{
    private static readonly ItemWindowShape Shape = new(MaxItemsPerVisit: 3, Neighbours: 2);

    // Window starts, in hours after Now - 30 days: on the oldest touches' edges, and past some of them.
    private static readonly double[] Starts = [0, 0.5, 1, 12, 13, 24 * 30 - 200, 24 * 30 - 167, 24 * 30 - 100];

    // When a refresh folds the pair changes into the pair counts: after every count, once a few are kept, never.
    private static readonly long[] FoldRows = [0, 4, long.MaxValue];

    // How many touches may leave the window in one count: one, two, or all of them.
    private static readonly int[] WindowSteps = [1, 2, 20_000];

    private readonly TempFolder _folder = new();
    private DuckDbEventStore? _store;

    private string DatabasePath => Path.Combine(_folder.Path, "f.duckdb");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _store = new DuckDbEventStore(DatabasePath, NullLogger<DuckDbEventStore>.Instance);
        await _store.InitializeAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_store is not null)
            await _store.DisposeAsync();
    }

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();

    [Fact]
    public Task Kept_counts_equal_the_definition_after_every_commit_link_window_move_and_erasure() =>
        Gen.Select(RandomShopHistories.Any, Gen.Int[0, Starts.Length - 1].Array[40])
            .SampleAsync(t => CheckAsync(t.Item1, t.Item2), iter: 60, threads: 1, print: t => $"{t.Item1}\nstarts {string.Join(", ", t.Item2)}");

    private async Task CheckAsync(RandomShopHistory history, int[] picks)
    {
        var store = _store!;
        store.PairChangesFoldRows = FoldRows[picks[0] % FoldRows.Length];
        // The erasure in one transaction, or a few of the person's events at a time first (DuckDbEventStore.DeleteInChunks).
        store.ErasureChunkRows = picks[1] % 2 == 0 ? 4_000 : 2;
        // A window moved at once, or a touch or two at a time (DuckDbEventStore.StepKeptWindow: one count after a long
        // stop ran out of memory at 100M events).
        store.WindowStepTouches = WindowSteps[picks[2] % WindowSteps.Length];
        var project = ProjectKeys.NewProjectId();
        await store.CreateProjectAsync(new Project(project, "shop", "hash", RandomShopHistory.Now.AddYears(-1)));
        var starts = picks.Take(history.Commits.Count).Order().Select(p => RandomShopHistory.Now.AddDays(-30).AddHours(Starts[p])).ToList();
        for (var i = 0; i < history.Commits.Count; i++)
        {
            await store.CommitAsync([history.Commits[i] with { ProjectId = project }]);
            await AssertWindowAsync(store, project, starts[i], $"after commit {i}");
        }
        var last = starts[^1];

        await store.ErasePersonAsync(project, history.Erased);

        var set = await store.ReadProductInteractionsAsync(project, new TimeRange(last, null));
        var expected = InteractionAggregates.CoVisits(set, Shape.MaxItemsPerVisit, RandomShopHistory.Items);
        var actual = await store.ReadCoVisitsAsync(project, last, Shape.MaxItemsPerVisit, RandomShopHistory.Items);
        Assert.Equal(expected.Reach.OrderBy(r => r.Key, StringComparer.Ordinal), actual.Reach.OrderBy(r => r.Key, StringComparer.Ordinal));
        Assert.Equal(Pairs(expected), Pairs(actual));
        await AssertWindowAsync(store, project, last, "after the erasure");

        // A read with a cut, as an erasure's recount asks it (the window's reach and neighbour lists): the pairs the cut's
        // definition keeps of a read of every pair, each once (the contract allows more; this store keeps exactly those).
        var window = await store.ReadItemWindowAsync(project, last, Shape);
        var cut = CoVisitCut.Of(window.Items, window.Reach, window.Neighbours, Shape.Neighbours);
        var asked = window.Items.Where((_, i) => picks[i % picks.Length] % 2 == 0).ToList();
        var all = await store.ReadCoVisitsAsync(project, last, Shape.MaxItemsPerVisit, asked);
        var kept = await store.ReadCoVisitsAsync(project, last, Shape.MaxItemsPerVisit, asked, cut);
        Assert.Equal(Pairs(cut.Apply(asked, all)), Pairs(kept));
        Assert.Equal(all.Reach.OrderBy(r => r.Key, StringComparer.Ordinal), kept.Reach.OrderBy(r => r.Key, StringComparer.Ordinal));
        // A window that starts earlier than the kept one is counted whole.
        await AssertWindowAsync(store, project, RandomShopHistory.Now.AddDays(-31), "an earlier window");
    }

    [Fact]
    public async Task An_erased_persons_counted_visits_and_purchases_leave_the_file_with_the_next_count_or_the_compaction()
    {
        var store = _store!;
        var project = ProjectKeys.NewProjectId();
        await store.CreateProjectAsync(new Project(project, "shop", "hash", RandomShopHistory.Now.AddYears(-1)));
        var from = RandomShopHistory.Now.AddDays(-30);
        await store.CommitAsync([new ProjectWrite(project,
            [View("g1", "a"), View("g1", "b"), View("g2", "a"), View("g2", "b"), View("g2", "b") with { Action = BuiltInActions.Purchase }], [], [])]);
        await store.ReadItemWindowAsync(project, from, Shape);
        Assert.Equal(4, await KeptRowsAsync(store, project, "model_visits"));
        Assert.Equal(1, await KeptRowsAsync(store, project, "model_purchases"));

        await store.ErasePersonAsync(project, Identifier.Guest("g1"));
        await store.ReadCoVisitsAsync(project, from, Shape.MaxItemsPerVisit, ["a"]);
        Assert.Equal(2, await KeptRowsAsync(store, project, "model_visits"));

        // Erased with no count after: the compaction at shutdown takes the visits and purchases out, and the next count is whole.
        await store.ErasePersonAsync(project, Identifier.Guest("g2"));
        await store.DisposeAsync();
        _store = new DuckDbEventStore(DatabasePath, NullLogger<DuckDbEventStore>.Instance);
        await _store.InitializeAsync();
        Assert.Equal(0, await KeptRowsAsync(_store, project, "model_visits"));
        Assert.Equal(0, await KeptRowsAsync(_store, project, "model_purchases"));
        var window = await _store.ReadItemWindowAsync(project, from, Shape);
        Assert.Empty(window.Items);
    }

    [Fact]
    public async Task Regression_AProjectWithoutTouchesRewroteEveryKeptTableAtEachRefresh_ItLeavesThemAlone()
    {
        // At 100M events the default project beside a shop took 5 s of both cores and the count lock each round, and an
        // erasure in the shop waited for it.
        var store = _store!;
        var from = RandomShopHistory.Now.AddDays(-30);
        var shop = ProjectKeys.NewProjectId();
        await store.CreateProjectAsync(new Project(shop, "shop", "hash", RandomShopHistory.Now.AddYears(-1)));
        await store.CommitAsync([new ProjectWrite(shop, [View("g1", "a"), View("g1", "b"), View("g2", "a")], [], [])]);
        await store.ReadItemWindowAsync(shop, from, Shape);
        var empty = ProjectKeys.NewProjectId();
        await store.CreateProjectAsync(new Project(empty, "default", "hash", RandomShopHistory.Now.AddYears(-1)));
        var tables = await KeptTableIdsAsync(store);

        Assert.Empty((await store.ReadItemWindowAsync(empty, from, Shape)).Items);

        Assert.Equal(tables, await KeptTableIdsAsync(store));
        Assert.Equal(3, await KeptRowsAsync(store, shop, "model_visits"));
        await AssertWindowAsync(store, shop, from, "after the empty project's refresh");
    }

    [Fact]
    public async Task Counts_kept_by_schema_13_upgrade_to_the_same_window()
    {
        // A folder with counts kept as schema 13 kept them: no reach, pair changes or purchases table, the visits in count
        // order. The migration to 14 fills the reach from the visits; 15 drops the counts' state, so the next refresh
        // counts the window whole and keeps its purchases.
        var project = ProjectKeys.NewProjectId();
        await _store!.CreateProjectAsync(new Project(project, "shop", "hash", RandomShopHistory.Now.AddYears(-1)));
        var history = RandomShopHistories.Any.Single(h => h.Commits.Count >= 4, seed: "0000000000001");
        var from = RandomShopHistory.Now.AddDays(-30);
        foreach (var commit in history.Commits.Take(history.Commits.Count / 2))
            await _store.CommitAsync([commit with { ProjectId = project }]);
        await _store.ReadItemWindowAsync(project, from, Shape);
        await DowngradeAndReopenAsync(
            "DROP TABLE model_item_reach; DROP TABLE model_pair_changes; DROP TABLE model_purchases; DROP TABLE model_pairs_by_item; DELETE FROM schema_versions WHERE version >= 14");

        await AssertWindowAsync(_store, project, from, "after the upgrade");
        foreach (var commit in history.Commits.Skip(history.Commits.Count / 2))
            await _store.CommitAsync([commit with { ProjectId = project }]);
        await AssertWindowAsync(_store, project, from.AddHours(1), "after the upgrade and more commits");
    }

    [Fact]
    public async Task Pair_counts_kept_by_schema_15_are_kept_by_item_after_the_upgrade()
    {
        // A folder with counts kept as schema 15 kept them: no model_pairs_by_item. The migration to 16 fills it from
        // model_pairs; the counts stay kept (no whole count), and an erasure's cut read finds the pairs by item.
        var project = ProjectKeys.NewProjectId();
        await _store!.CreateProjectAsync(new Project(project, "shop", "hash", RandomShopHistory.Now.AddYears(-1)));
        var history = RandomShopHistories.Any.Single(h => h.Commits.Count >= 4, seed: "0000000000001");
        var from = RandomShopHistory.Now.AddDays(-30);
        foreach (var commit in history.Commits)
            await _store.CommitAsync([commit with { ProjectId = project }]);
        var window = await _store.ReadItemWindowAsync(project, from, Shape);
        await DowngradeAndReopenAsync("DROP TABLE model_pairs_by_item; DELETE FROM schema_versions WHERE version >= 16");

        Assert.True(await PairsByItemMatchAsync(_store, project));
        Assert.NotEqual(0, await KeptRowsAsync(_store, project, "model_pairs_by_item"));
        var cut = CoVisitCut.Of(window.Items, window.Reach, window.Neighbours, Shape.Neighbours);
        var all = await _store.ReadCoVisitsAsync(project, from, Shape.MaxItemsPerVisit, window.Items);
        var kept = await _store.ReadCoVisitsAsync(project, from, Shape.MaxItemsPerVisit, window.Items, cut);
        Assert.NotEmpty(kept.Pairs);
        Assert.Equal(Pairs(cut.Apply(window.Items, all)), Pairs(kept));
    }

    // Takes the folder back to an older schema with downgradeSql, then opens it again (migrating it).
    private async Task DowngradeAndReopenAsync(string downgradeSql)
    {
        await using (var connection = await _store!.OpenReadAsync(CancellationToken.None))
        {
            using var command = connection.CreateCommand();
            command.CommandText = downgradeSql;
            await command.ExecuteNonQueryAsync();
        }
        await _store.DisposeAsync();
        _store = new DuckDbEventStore(DatabasePath, NullLogger<DuckDbEventStore>.Instance);
        await _store.InitializeAsync();
    }

    // Whether the project's model_pairs_by_item holds exactly its model_pairs rows, each in both directions.
    private static async Task<bool> PairsByItemMatchAsync(DuckDbEventStore store, string project)
    {
        await using var connection = await store.OpenReadAsync(CancellationToken.None);
        using var command = connection.CreateCommand();
        command.CommandText = """
            WITH pr AS (SELECT no FROM projects WHERE id = $id),
            mirror AS (SELECT item, other, n FROM model_pairs_by_item WHERE project = (FROM pr)),
            pairs AS (SELECT a, b, n FROM model_pairs WHERE project = (FROM pr) UNION ALL SELECT b, a, n FROM model_pairs WHERE project = (FROM pr))
            SELECT (SELECT count(*) FROM (FROM mirror EXCEPT ALL FROM pairs)) + (SELECT count(*) FROM (FROM pairs EXCEPT ALL FROM mirror))
            """;
        command.Parameters.Add(new DuckDBParameter("id", project));
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 0;
    }

    // The kept tables' DuckDB ids: a rewrite (CREATE ... AS, DROP, RENAME) gives a table a new one.
    private static async Task<string> KeptTableIdsAsync(DuckDbEventStore store)
    {
        await using var connection = await store.OpenReadAsync(CancellationToken.None);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT string_agg(table_name || ':' || table_oid, ' ' ORDER BY table_name) FROM duckdb_tables() WHERE table_name LIKE 'model_%'";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> KeptRowsAsync(DuckDbEventStore store, string project, string table)
    {
        await using var connection = await store.OpenReadAsync(CancellationToken.None);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table} v JOIN projects p ON p.no = v.project WHERE p.id = $id";
        command.Parameters.Add(new DuckDBParameter("id", project));
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static TrackedEvent View(string guest, string item) => new()
    {
        Action = BuiltInActions.ProductView, Time = RandomShopHistory.Now.AddHours(-1), ReceivedAt = RandomShopHistory.Now, GuestId = guest,
        Target = new Dictionary<string, string> { ["product"] = item },
    };

    private static async Task AssertWindowAsync(DuckDbEventStore store, string project, DateTime from, string when)
    {
        var expected = InteractionAggregates.ItemWindow(await store.ReadProductInteractionsAsync(project, new TimeRange(from, null)), Shape);
        var actual = await store.ReadItemWindowAsync(project, from, Shape);
        Assert.True(Render(expected) == Render(actual), $"{when}, from {from:O}:\nexpected {Render(expected)}\nactual   {Render(actual)}");
        Assert.True(await PairsByItemMatchAsync(store, project), $"{when}: model_pairs_by_item is not model_pairs in both directions");
        // The kept purchases (model_purchases), of every item and of some, also from a later start within the kept
        // window; and from an earlier start, which reads the touches.
        var some = RandomShopHistory.Items.Where((_, i) => i % 2 == 0).ToList();
        foreach (var (start, items) in new[] { (from, (IReadOnlyCollection<string>?)null), (from, some), (from.AddHours(12), null), (from.AddHours(-12), null) })
        {
            var purchases = Render(InteractionAggregates.Purchases(await store.ReadProductInteractionsAsync(project, new TimeRange(start, null)), items));
            var read = Render(await store.ReadPurchasesAsync(project, start, items));
            Assert.True(purchases == read,
                $"{when}, purchases from {start:O} of {(items is null ? "every item" : string.Join(",", items))}:\nexpected {purchases}\nactual   {read}");
        }
    }

    private static string Render(IReadOnlyList<ProductPurchase> purchases) =>
        string.Join(" ", purchases.Select(p => $"{p.Person}:{p.Item}@{p.Time:O}"));

    private static string Render(ItemWindow w) =>
        $"items {string.Join(",", w.Items)} | categories {string.Join(",", w.Categories)} | reach {string.Join(",", w.Reach)} | " +
        $"neighbours {string.Join(" ", w.Neighbours.Select(n => string.Join(",", n.Select(x => $"{x.Item}:{x.Score:R}"))))} | {w.Interactions}";

    private static List<string> Pairs(CoVisitCounts counts) => counts.Pairs
        .Select(p => string.CompareOrdinal(p.A, p.B) < 0 ? $"{p.A}|{p.B}|{p.Count}" : $"{p.B}|{p.A}|{p.Count}")
        .Order(StringComparer.Ordinal).ToList();
}
