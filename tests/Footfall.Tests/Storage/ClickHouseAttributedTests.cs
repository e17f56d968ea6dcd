using Footfall.Events;
using Footfall.Identity;
using Footfall.Storage;
using Footfall.Tests.Support;
using static Footfall.Tests.Storage.ClickHouseStoreTables;

namespace Footfall.Tests.Storage;

/// <summary>
/// The attributed conversions the writers keep (schema version 6): results of a saved definition are counted from them,
/// a database from before derives them for its saved experiences at start, a link adds the pairs it makes, an
/// erasure deletes the person's rows, and a window nobody saved is still answered from the events.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseAttributedTests(ClickHouseServer server)
{
    private static readonly ProjectWrite ImpressionThenPurchase = new(Project,
        [Event(BuiltInActions.Impression, T0, guest: "g1", variant: "1"), Event(BuiltInActions.Purchase, T0.AddHours(1), guest: "g1")], [], []);

    [Fact]
    public async Task Results_of_a_saved_definition_are_counted_from_attributed_and_another_window_from_the_events()
    {
        var connection = server.ConnectionString();
        await using var store = await OpenAsync(connection);
        await store.SaveExperienceAsync(Project, Experience);
        await store.CommitAsync([ImpressionThenPurchase]);
        Assert.Equal("1", await QueryAsync("SELECT count() FROM attributed", connection));

        // Rows that only the kept table holds: the saved definition reads them, another window does not.
        await QueryAsync("INSERT INTO attributed SELECT project, experience, days, action, variant, time_ms, concat(eid, '-x'), actor_hash FROM attributed", connection);
        Assert.Equal(new MetricCounts(2, 1), Assert.Single(await store.CountExperienceAsync(Project, Experience, default)).Metrics[BuiltInActions.Purchase]);
        var unsaved = Experience with { AttributionDays = 7 };
        Assert.Equal(new MetricCounts(1, 1), Assert.Single(await store.CountExperienceAsync(Project, unsaved, default)).Metrics[BuiltInActions.Purchase]);
    }

    [Fact]
    public async Task A_database_from_before_attributed_derives_its_saved_experiences_at_start()
    {
        var connection = server.ConnectionString();
        await using (var before = await OpenAsync(connection))
        {
            await before.SaveExperienceAsync(Project, Experience);
            await before.CommitAsync([ImpressionThenPurchase]);
        }
        // As schema version 5 left the database.
        await QueryAsync("DROP TABLE attributed", connection);
        await QueryAsync("DROP TABLE attributed_definitions", connection);
        await QueryAsync("TRUNCATE TABLE schema_versions", connection);
        await QueryAsync("INSERT INTO schema_versions (version, name, applied_ms) SELECT toUInt32(number + 1), 'before', 0 FROM system.numbers LIMIT 5", connection);

        await using var store = await OpenAsync(connection);
        Assert.Equal("1", await QueryAsync("SELECT count() FROM attributed", connection));
        Assert.Equal("1", await QueryAsync("SELECT count() FROM attributed_definitions WHERE ready = 1", connection));
        Assert.Equal(new MetricCounts(1, 1), Assert.Single(await store.CountExperienceAsync(Project, Experience, default)).Metrics[BuiltInActions.Purchase]);
    }

    [Fact]
    public async Task A_link_after_the_purchase_adds_the_pairs_it_makes()
    {
        var connection = server.ConnectionString();
        await using var store = await OpenAsync(connection);
        await store.SaveExperienceAsync(Project, Experience);
        // The guest sees the variant; the user buys; nothing links them yet.
        await store.CommitAsync([new ProjectWrite(Project,
            [Event(BuiltInActions.Impression, T0, guest: "g1", variant: "1"), Event(BuiltInActions.Purchase, T0.AddHours(2), user: "u1")], [], [])]);
        Assert.Equal("0", await QueryAsync("SELECT count() FROM attributed", connection));

        await store.CommitAsync([new ProjectWrite(Project, [Event("page_view", T0.AddDays(40), user: "u1", guest: "g1")], [], [])]);

        Assert.Equal("1", await QueryAsync("SELECT count() FROM attributed WHERE actor_hash = cityHash64('u:u1')", connection));
        var linked = Assert.Single(await store.CountExperienceAsync(Project, Experience, default));
        Assert.Equal((1L, new MetricCounts(1, 1)), (linked.Impressions, linked.Metrics[BuiltInActions.Purchase]));
    }

    [Fact]
    public async Task Erasure_deletes_the_persons_attributed_rows()
    {
        var connection = server.ConnectionString();
        await using var store = await OpenAsync(connection);
        await store.SaveExperienceAsync(Project, Experience);
        await store.CommitAsync([ImpressionThenPurchase, new ProjectWrite(Project,
            [Event(BuiltInActions.Impression, T0, guest: "g2", variant: "1"), Event(BuiltInActions.Purchase, T0.AddHours(1), guest: "g2")], [], [])]);

        await store.ErasePersonAsync(Project, Identifier.Guest("g1"));

        Assert.Equal("0", await QueryAsync("SELECT count() FROM attributed WHERE actor_hash = cityHash64('g:g1')", connection));
        Assert.Equal(new MetricCounts(1, 1), Assert.Single(await store.CountExperienceAsync(Project, Experience, default)).Metrics[BuiltInActions.Purchase]);
    }

    private Task<string> QueryAsync(string sql, string connection) => ClickHouseStoreTables.QueryAsync(server, connection, sql);
}
