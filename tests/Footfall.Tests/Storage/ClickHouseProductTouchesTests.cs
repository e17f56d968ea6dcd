using Footfall.ClickHouse;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Recommendations;
using Footfall.Storage;
using Footfall.Tests.Support;
using static Footfall.Tests.Storage.ClickHouseStoreTables;

namespace Footfall.Tests.Storage;

/// <summary>
/// The product_touches table the models' SQL reads (kept by a view over events, schema version 7): filled for a
/// database written before it, with the item read from the stored target as .NET reads it, and emptied of an erased person.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseProductTouchesTests(ClickHouseServer server)
{
    private static readonly ItemWindowShape Shape = new(MaxItemsPerVisit: 20, Neighbours: 10);

    // Product ids a store has to unescape, and a target kind that spells "product" after an escaped quote.
    private static readonly string[] Items = ["sku-1", "sku-\"2\\ü", "sku-3\U0001F600", "\u00e9t\u00e9\t<&>"];

    [Fact]
    public async Task A_database_from_before_product_touches_serves_the_models_the_interactions_it_stored_before()
    {
        var connection = server.ConnectionString();
        await using (var before = await OpenAsync(connection))
            await before.CommitAsync([new ProjectWrite(Project, [.. Views("g1", T0), .. Views("g2", T0.AddHours(1)).Take(2)], [], [])]);
        // As schema version 6 left the database: no product_touches table, no view.
        await ExecuteAsync("DROP TABLE product_touches_mv", connection);
        await ExecuteAsync("DROP TABLE product_touches", connection);
        await ExecuteAsync("TRUNCATE TABLE schema_versions", connection);
        await ExecuteAsync("INSERT INTO schema_versions (version, name, applied_ms) SELECT toUInt32(number + 1), 'before', 0 FROM system.numbers LIMIT 6", connection);

        await using var store = await OpenAsync(connection);
        Assert.Equal("6", await QueryAsync("SELECT count() FROM product_touches", connection));
        await AssertServesTheDefinitionAsync(store);
        // And the view fills it from here on.
        await store.CommitAsync([new ProjectWrite(Project, Views("g3", T0.AddHours(2)).Skip(1).ToList(), [], [])]);
        Assert.Equal("9", await QueryAsync("SELECT count() FROM product_touches", connection));
        await AssertServesTheDefinitionAsync(store);
    }

    [Fact]
    public async Task Erasure_deletes_the_persons_product_touches()
    {
        var connection = server.ConnectionString();
        await using var store = await OpenAsync(connection);
        await store.CommitAsync([new ProjectWrite(Project, [.. Views("g1", T0), .. Views("g2", T0)], [], [])]);

        await store.ErasePersonAsync(Project, Identifier.Guest("g1"));

        Assert.Equal("0", await QueryAsync("SELECT count() FROM product_touches WHERE actor_hash = cityHash64('g:g1')", connection));
        var window = await store.ReadItemWindowAsync(Project, T0.AddDays(-1), Shape);
        Assert.Equal(4, window.Interactions);
        Assert.Equal([1, 1, 1, 1], window.Reach);
        await AssertServesTheDefinitionAsync(store);
    }

    private static async Task AssertServesTheDefinitionAsync(ClickHouseEventStore store)
    {
        var from = T0.AddDays(-1);
        var expected = InteractionAggregates.ItemWindow(await store.ReadProductInteractionsAsync(Project, new TimeRange(from, null)), Shape);
        var actual = await store.ReadItemWindowAsync(Project, from, Shape);
        Assert.Equal(expected.Items, actual.Items);
        Assert.Equal(expected.Categories, actual.Categories);
        Assert.Equal(expected.Reach, actual.Reach);
        Assert.Equal(expected.Neighbours.Select(n => n.ToList()), actual.Neighbours.Select(n => n.ToList()));
        Assert.Equal(expected.Interactions, actual.Interactions);
    }

    // A guest's view of every item, a minute apart, in one visit (a day without a session).
    private static List<TrackedEvent> Views(string guest, DateTime at) => Items.Select((item, i) => Event(BuiltInActions.ProductView, at.AddMinutes(i), guest: guest) with
    {
        Target = i % 2 == 0 ? new Dictionary<string, string> { ["product"] = item } : new Dictionary<string, string> { ["x\"product"] = "spoof", ["product"] = item },
        ParamsJson = i == 1 ? """{"category":"c\u00e9"}""" : null,
    }).ToList();

    private async Task ExecuteAsync(string sql, string connection) => await QueryAsync(sql, connection);

    private Task<string> QueryAsync(string sql, string connection) => ClickHouseStoreTables.QueryAsync(server, connection, sql);
}
