using Footfall.Identity;
using Footfall.Recommendations;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Recommendations;

/// <summary>A data folder written before product_touches existed gets them from its migration, and its models serve the definition.</summary>
public sealed class ProductTouchesUpgradeTests
{
    [Fact]
    public async Task A_data_folder_of_main_a77fb6d_back_fills_product_touches_and_serves_the_definition()
    {
        using var data = new TempFolder();
        await MainA77fb6dFixture.UnpackDuckDbAsync(data.Path);
        await using var store = new DuckDbEventStore(Path.Combine(data.Path, "footfall.duckdb"), NullLogger<DuckDbEventStore>.Instance);
        await store.InitializeAsync();
        var project = (await store.ListProjectsAsync()).Single().Id;
        var now = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        var options = new RecommendationOptions { HistoryDays = 365 };

        var definition = RecommendationModel.Build(await store.ReadProductInteractionsAsync(project, new TimeRange(now.AddDays(-365), null)), now, options);
        var model = await WindowModel.LoadAsync(store, project, now, options);

        Assert.True(definition.InteractionCount > 100, $"the fixture has product events ({definition.InteractionCount})");
        Assert.Equal(definition.InteractionCount, model.InteractionCount);
        IReadOnlyList<Identifier> people = [.. Enumerable.Range(0, 40).SelectMany(i => new[] { Identifier.Guest($"g{i}"), Identifier.User($"u{i}") })];
        IReadOnlyList<string> items = [.. Enumerable.Range(0, 41).Select(i => $"sku-{i}")];
        Assert.Equal(await ModelAnswers.RenderAsync(definition, now, people, items, [], exactTies: true),
            await ModelAnswers.RenderAsync(model, now, people, items, [], exactTies: true));
    }
}
