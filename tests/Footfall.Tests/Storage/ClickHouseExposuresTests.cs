using Footfall.ClickHouse;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Storage;
using Footfall.Tests.Support;
using static Footfall.Tests.Storage.ClickHouseStoreTables;

namespace Footfall.Tests.Storage;

/// <summary>
/// The exposures table results read impressions from (kept by a view over events, schema version 5): filled for a
/// database written before it, emptied of an erased person, and keyed by identifier so a link made after the
/// impressions still files them under the user the guest became.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseExposuresTests(ClickHouseServer server)
{
    [Fact]
    public async Task A_database_from_before_exposures_counts_the_impressions_it_stored_before()
    {
        var connection = server.ConnectionString();
        await using (var before = await OpenAsync(connection))
        {
            await before.CommitAsync([new ProjectWrite(Project,
                [Event(BuiltInActions.Impression, T0, guest: "g1", variant: "1"), Event(BuiltInActions.Purchase, T0.AddHours(1), guest: "g1")], [], [])]);
        }
        // As schema version 4 left the database: no exposures table, no view.
        await ExecuteAsync("DROP TABLE exposures_mv", connection);
        await ExecuteAsync("DROP TABLE exposures", connection);
        await ExecuteAsync("TRUNCATE TABLE schema_versions", connection);
        await ExecuteAsync("INSERT INTO schema_versions (version, name, applied_ms) SELECT toUInt32(number + 1), 'before', 0 FROM system.numbers LIMIT 4", connection);

        await using var store = await OpenAsync(connection);
        Assert.Equal("1", await QueryAsync("SELECT count() FROM exposures", connection));
        var variant = Assert.Single(await store.CountExperienceAsync(Project, Experience, default));
        Assert.Equal(("1", 1L, new MetricCounts(1, 1), T0), (variant.Variant, variant.Impressions, variant.Metrics[BuiltInActions.Purchase], variant.FirstImpression));
        // And the view fills it from here on.
        await store.CommitAsync([new ProjectWrite(Project, [Event(BuiltInActions.Impression, T0.AddHours(2), guest: "g2", variant: "1")], [], [])]);
        Assert.Equal(2, Assert.Single(await store.CountExperienceAsync(Project, Experience, default)).Impressions);
    }

    [Fact]
    public async Task Erasure_deletes_the_persons_exposures()
    {
        var connection = server.ConnectionString();
        await using var store = await OpenAsync(connection);
        await store.CommitAsync([new ProjectWrite(Project,
            [Event(BuiltInActions.Impression, T0, guest: "g1", variant: "0"), Event(BuiltInActions.Impression, T0, guest: "g2", variant: "0")], [], [])]);

        await store.ErasePersonAsync(Project, Identifier.Guest("g1"));

        Assert.Equal("1", await QueryAsync("SELECT count() FROM exposures", connection));
        Assert.Equal("0", await QueryAsync("SELECT count() FROM exposures WHERE actor_hash = cityHash64('g:g1')", connection));
        Assert.Equal(1, Assert.Single(await store.CountExperienceAsync(Project, Experience, default)).Impressions);
    }

    [Fact]
    public async Task A_link_after_the_impressions_files_them_under_the_user()
    {
        var connection = server.ConnectionString();
        await using var store = await OpenAsync(connection);
        // A guest and the user they later sign in as each see the variant; the user buys before anything links them.
        await store.CommitAsync([new ProjectWrite(Project,
            [Event(BuiltInActions.Impression, T0, guest: "g1", variant: "1"), Event(BuiltInActions.Impression, T0.AddHours(1), user: "u1", variant: "1"),
             Event(BuiltInActions.Purchase, T0.AddHours(2), guest: "g1")], [], [])]);
        var unlinked = Assert.Single(await store.CountExperienceAsync(Project, Experience, default));
        Assert.Equal((2L, new MetricCounts(1, 1)), (unlinked.Impressions, unlinked.Metrics[BuiltInActions.Purchase]));

        // An event with both ids links g1 to u1; then the user buys again.
        await store.CommitAsync([new ProjectWrite(Project,
            [Event("page_view", T0.AddHours(3), user: "u1", guest: "g1"), Event(BuiltInActions.Purchase, T0.AddHours(4), user: "u1")], [], [])]);

        var linked = Assert.Single(await store.CountExperienceAsync(Project, Experience, default));
        Assert.Equal((1L, new MetricCounts(2, 1), T0), (linked.Impressions, linked.Metrics[BuiltInActions.Purchase], linked.FirstImpression));
    }

    [Fact]
    public async Task Regression_ExperienceRows_ResolvedThroughEveryLinkedIdentifierOfTheProject()
    {
        var connection = server.ConnectionString();
        await using var store = await OpenAsync(connection);
        await store.SaveExperienceAsync(Project, Experience);
        // Forty persons who linked a guest to a user and never saw the experience; one guest who saw it, signed in, bought.
        var others = Enumerable.Range(0, 40).Select(i => Event("page_view", T0, user: $"u{i}", guest: $"g{i}"));
        await store.CommitAsync([new ProjectWrite(Project, [.. others,
            Event(BuiltInActions.Impression, T0, guest: "seen", variant: "1"), Event("page_view", T0.AddHours(1), user: "buyer", guest: "seen"),
            Event(BuiltInActions.Purchase, T0.AddHours(2), user: "buyer")], [], [])]);

        // ClickHouse refuses a join whose right side holds more rows than max_rows_in_join: the experience's rows name one
        // linked identifier each (its person is keyed by g:seen, the smaller identifier), the project holds 82. Resolving the experience's rows must not cost the project's persons.
        foreach (var (table, columns) in new[] { ("exposures", "variant, time_ms"), ("attributed", "variant, eid") })
        {
            var rows = ClickHouseSchema.PersonKeyRows(table, $"'{Project}'", columns, $"experience = '{Experience.ShortUid}'");
            Assert.Equal("1\t1", await ClickHouseStoreTables.QueryAsync(server, connection,
                $"SELECT count(), uniqExact(person) FROM ({rows}) WHERE person = cityHash64('g:seen')", "&max_rows_in_join=10"));
        }
        var variant = Assert.Single(await store.CountExperienceAsync(Project, Experience, default));
        Assert.Equal((1L, new MetricCounts(1, 1)), (variant.Impressions, variant.Metrics[BuiltInActions.Purchase]));
    }

    private async Task ExecuteAsync(string sql, string connection) => await QueryAsync(sql, connection);

    private Task<string> QueryAsync(string sql, string connection) => ClickHouseStoreTables.QueryAsync(server, connection, sql);
}
