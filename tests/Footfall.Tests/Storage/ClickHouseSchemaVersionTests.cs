using Footfall.ClickHouse;
using Footfall.Storage;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>The ClickHouse store's schema versions on a real server.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseSchemaVersionTests(ClickHouseServer server)
{
    [Fact]
    public async Task A_new_database_records_each_migration_once_however_often_it_is_opened()
    {
        var connection = server.ConnectionString();
        for (var i = 0; i < 2; i++)
        {
            await using var store = new ClickHouseEventStore(connection, NullLogger<ClickHouseEventStore>.Instance);
            await store.InitializeAsync();
        }

        Assert.Equal(string.Join("\n", ClickHouseSchema.Migrations.Select(m => m.Version)),
            (await QueryAsync("SELECT version FROM schema_versions ORDER BY version", connection)).Trim());
    }

    [Fact]
    public async Task A_database_from_a_newer_Footfall_refuses_to_open()
    {
        var connection = server.ConnectionString();
        await using (var store = new ClickHouseEventStore(connection, NullLogger<ClickHouseEventStore>.Instance))
            await store.InitializeAsync();
        await QueryAsync($"INSERT INTO schema_versions (version, name, applied_ms) VALUES ({ClickHouseSchema.Latest + 1}, 'from the future', 0)", connection);

        await using var newer = new ClickHouseEventStore(connection, NullLogger<ClickHouseEventStore>.Instance);
        var refused = await Assert.ThrowsAsync<StoreVersionException>(() => newer.InitializeAsync());
        Assert.Equal((ClickHouseSchema.Latest + 1, ClickHouseSchema.Latest), (refused.Stored, refused.Known));
    }

    private async Task<string> QueryAsync(string sql, string connection)
    {
        using var http = new HttpClient();
        var database = ClickHouseSettings.Parse(connection).Database;
        var answer = await http.PostAsync($"http://127.0.0.1:{server.HttpPort}/?database={database}", new StringContent(sql));
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, text);
        return text;
    }
}
