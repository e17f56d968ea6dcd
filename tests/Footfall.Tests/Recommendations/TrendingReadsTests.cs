using CsCheck;
using Footfall.Projects;
using Footfall.Recommendations;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Recommendations;

/// <summary>
/// How often a served model reads trending from the store (a real DuckDB file): once per refresh, before the model is
/// served, however many hours values and categories ask for it.
/// </summary>
public sealed class TrendingReadsTests : IDisposable
{
    private static readonly RecommendationOptions Options = new() { HistoryDays = 30, MaxItemsPerSession = 3, NeighboursPerItem = 2 };
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Regression_FirstTrendingFeedAfterARefreshWaitedForTheAggregate_EveryWindowRankedFromOneReadByTheRefresh()
    {
        await using var store = new DuckDbEventStore(Path.Combine(_folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance);
        await store.InitializeAsync();
        await RandomShopHistories.Any.SampleAsync(history => CheckAsync(store, history), iter: 10, threads: 1, print: h => h.ToString());
    }

    private static async Task CheckAsync(DuckDbEventStore store, RandomShopHistory history)
    {
        var project = ProjectKeys.NewProjectId();
        await store.CreateProjectAsync(new Project(project, "shop", "hash", RandomShopHistory.Now.AddYears(-1)));
        foreach (var commit in history.Commits)
            await store.CommitAsync([commit with { ProjectId = project }]);
        var counted = new SlowInteractionSource(store);

        var model = await WindowModel.LoadAsync(counted, project, RandomShopHistory.Now, Options);
        Assert.Equal(1, counted.TrendingReads);
        var all = model.Trending(WindowModel.DefaultTrendingHours, null, 10);
        var inCategory = model.Trending(WindowModel.DefaultTrendingHours, "c0", 10);
        Assert.Equal(1, counted.TrendingReads);

        var week = model.Trending(168, null, 10);
        var weekInCategory = model.Trending(168, "c1", 10);
        var hour = model.Trending(1, null, 10);
        Assert.Equal(1, counted.TrendingReads);

        // The same answers as a model that reads each (hours, category) on its own.
        var definition = RecommendationModel.Build(
            await store.ReadProductInteractionsAsync(project, new TimeRange(model.From, null)), RandomShopHistory.Now, Options);
        Assert.Equal(Render(definition.Trending(WindowModel.DefaultTrendingHours, null, 10)), Render(all));
        Assert.Equal(Render(definition.Trending(WindowModel.DefaultTrendingHours, "c0", 10)), Render(inCategory));
        Assert.Equal(Render(definition.Trending(168, null, 10)), Render(week));
        Assert.Equal(Render(definition.Trending(168, "c1", 10)), Render(weekInCategory));
        Assert.Equal(Render(definition.Trending(1, null, 10)), Render(hour));
    }

    private static string Render(IReadOnlyList<ScoredItem> items) => string.Join(",", items.Select(i => $"{i.Id}:{i.Score}"));

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}
