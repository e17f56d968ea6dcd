using Footfall.ClickHouse;
using Footfall.Identity;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>A ClickHouse database written by the release before the erasure hash columns keeps working.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseMigrationTests(ClickHouseServer server)
{
    [Fact]
    public async Task A_database_from_before_the_hash_columns_erases_what_it_stored_before()
    {
        var database = "legacy_" + Guid.NewGuid().ToString("N")[..12];
        // The tables and rows as schema version 1 has them: no hash columns, no identifiers on rejected events.
        await ExecuteAsync($"CREATE DATABASE {database}");
        foreach (var ddl in ClickHouseSchema.Migrations[0].Steps.Cast<CreateTable>().SelectMany(new ClickHouseDdl(database, null).Create))
            await ExecuteAsync(ddl, database);
        const string row = "'p1', 'buy', 1710072000000, {0}, {1}, 0, {2}, 1710072000000, 'native'";
        await ExecuteAsync("INSERT INTO events (project, action, time_ms, actor, eid, has_key, ord, received_ms, source) VALUES " +
            $"({string.Format(null, row, "'u:alice'", "'e1'", 1)}), ({string.Format(null, row, "'u:bob'", "'e2'", 2)})", database);
        await ExecuteAsync("INSERT INTO persons (project, ident, person, size) VALUES ('p1', 'u:alice', 'u:alice', 1), ('p1', 'u:bob', 'u:bob', 1)", database);
        await ExecuteAsync("INSERT INTO rejected (project, time_ms, source, error, raw, ord) VALUES " +
            """('p1', 1710072000000, 'native', 'bad', '{"userId":"alice"}', 3), ('p1', 1710072000000, 'native', 'bad', '{"userId":"bob"}', 4)""", database);

        await using var store = new ClickHouseEventStore(server.ConnectionString(database), NullLogger<ClickHouseEventStore>.Instance);
        await store.InitializeAsync();
        Assert.Equal(1, await store.ErasePersonAsync("p1", Identifier.User("alice")));

        Assert.Empty((await store.GetActivityAsync("p1", Identifier.User("alice"), 10)).Events);
        Assert.Null(await store.FindPersonAsync("p1", Identifier.User("alice")));
        Assert.Single((await store.GetActivityAsync("p1", Identifier.User("bob"), 10)).Events);
        Assert.Equal(["""{"userId":"bob"}"""], (await store.GetRejectedAsync("p1", 10)).Select(r => r.Raw));
    }

    private async Task ExecuteAsync(string sql, string? database = null)
    {
        using var http = new HttpClient();
        var url = $"http://127.0.0.1:{server.HttpPort}/" + (database is null ? "" : $"?database={database}");
        (await http.PostAsync(url, new StringContent(sql))).EnsureSuccessStatusCode();
    }
}
