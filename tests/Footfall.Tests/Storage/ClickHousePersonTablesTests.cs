using Footfall.ClickHouse;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Storage;
using Footfall.Tests.Support;
using static Footfall.Tests.Storage.ClickHouseStoreTables;

namespace Footfall.Tests.Storage;

/// <summary>
/// The tables reads resolve persons through (linked_persons, person_members, kept by views over persons) on databases
/// written before they existed, and the start-up repair that keeps persons right from the links stored since its last check.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHousePersonTablesTests(ClickHouseServer server)
{
    [Fact]
    public async Task A_database_from_before_linked_persons_counts_a_guests_impression_for_the_user_they_became()
    {
        var connection = server.ConnectionString();
        await using (var before = await OpenAsync(connection))
        {
            await before.CommitAsync([new ProjectWrite(Project, [Event(BuiltInActions.Impression, T0, guest: "g1", variant: "1")], [], [])]);
            // The purchase carries both ids: that links g1 to u1.
            await before.CommitAsync([new ProjectWrite(Project, [Event(BuiltInActions.Purchase, T0.AddHours(1), user: "u1", guest: "g1")], [], [])]);
        }
        // As the release before these tables left the database: no views, no derived tables, no repair checkpoint, and
        // schema version 3.
        foreach (var table in new[] { "linked_persons_mv", "linked_persons", "person_members_mv", "person_members", "events_by_actor_mv", "events_by_actor", "person_repairs" })
            await ExecuteAsync($"DROP TABLE {table}", connection);
        await ExecuteAsync("TRUNCATE TABLE schema_versions", connection);
        await ExecuteAsync("INSERT INTO schema_versions (version, name, applied_ms) SELECT toUInt32(number + 1), 'before', 0 FROM system.numbers LIMIT 3", connection);

        await using var store = await OpenAsync(connection);
        var variant = Assert.Single(await store.CountExperienceAsync(Project, Experience, default));
        Assert.Equal(("1", 1L, new MetricCounts(1, 1)), (variant.Variant, variant.Impressions, variant.Metrics[BuiltInActions.Purchase]));
        var person = await store.FindPersonAsync(Project, Identifier.User("u1"));
        Assert.Equal(["g:g1", "u:u1"], person!.Identifiers.Select(i => i.Key).Order(StringComparer.Ordinal));
        Assert.Equal(2, person.EventCount);
    }

    [Fact]
    public async Task A_database_from_before_events_by_actor_pages_the_activity_it_stored_before_without_actor_events()
    {
        var connection = server.ConnectionString();
        await using (var before = await OpenAsync(connection))
        {
            await before.CommitAsync([new ProjectWrite(Project, [Event("page_view", T0, guest: "g1")], [], [])]);
            await before.CommitAsync([new ProjectWrite(Project, [Event(BuiltInActions.Purchase, T0.AddHours(1), user: "u1", guest: "g1")], [], [])]);
        }
        // As schema version 7 left the database: actor_events kept by its view, no events_by_actor.
        await ExecuteAsync("DROP TABLE events_by_actor_mv", connection);
        await ExecuteAsync("DROP TABLE events_by_actor", connection);
        var actorEvents = ClickHouseSchema.Migrations.Single(m => m.Version == 4).Steps.OfType<CreateDerivedTable>().Single(d => d.Table.Name == "actor_events");
        var ddl = new ClickHouseDdl(DatabaseOf(connection), null);
        foreach (var sql in ddl.Create(actorEvents.Table).Append(ddl.CreateView(actorEvents)).Append(ddl.Backfill(actorEvents)))
            await ExecuteAsync(sql, connection);
        await ExecuteAsync("TRUNCATE TABLE schema_versions", connection);
        await ExecuteAsync("INSERT INTO schema_versions (version, name, applied_ms) SELECT toUInt32(number + 1), 'before', 0 FROM system.numbers LIMIT 7", connection);

        await using var store = await OpenAsync(connection);
        var page = await store.GetActivityAsync(Project, Identifier.User("u1"), 10);
        Assert.Equal([BuiltInActions.Purchase, "page_view"], page.Events.Select(e => e.Action));
        Assert.Equal("0", await QueryAsync($"SELECT count() FROM system.tables WHERE database = '{DatabaseOf(connection)}' AND name LIKE 'actor_events%'", connection));
        // And the view keeps it from here on.
        await store.CommitAsync([new ProjectWrite(Project, [Event("page_view", T0.AddHours(2), user: "u1")], [], [])]);
        page = await store.GetActivityAsync(Project, Identifier.Guest("g1"), 10);
        Assert.Equal(["page_view", BuiltInActions.Purchase, "page_view"], page.Events.Select(e => e.Action));
        Assert.Equal(3, (await store.FindPersonAsync(Project, Identifier.Guest("g1")))!.EventCount);
    }

    [Fact]
    public async Task Start_up_repairs_the_persons_of_a_link_stored_after_its_last_check()
    {
        var connection = server.ConnectionString();
        await using (var before = await OpenAsync(connection))
            await StoreTwoUnlinkedAsync(before);
        // A node died between writing a link and writing its persons rows.
        await InsertLinkAsync(connection, DateTime.UtcNow);

        await using var store = await OpenAsync(connection);
        var person = await store.FindPersonAsync(Project, Identifier.Guest("g1"));
        Assert.Equal(["g:g1", "u:u1"], person!.Identifiers.Select(i => i.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Start_up_does_not_read_again_the_links_its_last_check_covered()
    {
        var connection = server.ConnectionString();
        await using (var before = await OpenAsync(connection))
            await StoreTwoUnlinkedAsync(before);
        // A link older than the last check, left without persons rows on purpose: were start-up to read every link, it
        // would join the two identifiers.
        await InsertLinkAsync(connection, DateTime.UtcNow.AddHours(-1));

        await using var store = await OpenAsync(connection);
        var person = await store.FindPersonAsync(Project, Identifier.Guest("g1"));
        Assert.Equal(["g:g1"], person!.Identifiers.Select(i => i.Key));
    }

    private static Task StoreTwoUnlinkedAsync(ClickHouseEventStore store) =>
        store.CommitAsync([new ProjectWrite(Project, [Event("page_view", T0, guest: "g1"), Event("page_view", T0, user: "u1")], [], [])]);

    private Task InsertLinkAsync(string connection, DateTime when) =>
        ExecuteAsync($"INSERT INTO links (project, a, b, ord) VALUES ('{Project}', 'g:g1', 'u:u1', {EventTime.ToUnixMs(when) * 1000})", connection);

    private Task ExecuteAsync(string sql, string connection) => QueryAsync(sql, connection);

    private Task<string> QueryAsync(string sql, string connection) => ClickHouseStoreTables.QueryAsync(server, connection, sql);
}
