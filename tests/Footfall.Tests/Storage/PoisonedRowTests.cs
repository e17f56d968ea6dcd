using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using Footfall.Tests.Support;

namespace Footfall.Tests.Storage;

/// <summary>
/// Rows stored before the text rule (a lone surrogate escape in params, a target or an attribute; bytes that are not
/// UTF-8 in ClickHouse) are planted directly in a real store; then every read, the refresh, the feeds, export and
/// erasure must still answer, and the refresh must not write the rows' payload to the log.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class PoisonedRowTests(ClickHouseServer clickHouse)
{
    private const string Email = "victim@example.com";

    [Fact]
    public async Task Regression_LoneSurrogateInParams_DoesNotPoisonRefreshFeedsReadsOrErasure_DuckDb()
    {
        using var data = new TempFolder();
        var (projectId, secret) = await SeedAsync(data.Path, []);
        await using (var connection = new DuckDBConnection($"Data Source={Path.Combine(data.Path, "footfall.duckdb")}"))
        {
            await connection.OpenAsync();
            // DuckDB's string literals keep backslashes, so this is the JSON text the old code stored.
            await ExecuteAsync(connection, $$"""
                INSERT INTO events (seq, project, ident, time, action, item, received_at, user_id, target, label, params, source)
                SELECT (SELECT max(seq) FROM events) + 1, project, ident, time, 'product_purchase', item, received_at, user_id,
                       '{"product":"sku-1","k\ud800":"v\udc00"}', 'label', '{"category":"c\ud800","price":"2","email":"{{Email}} \ud800"}', source
                FROM events WHERE user_id = 'victim' LIMIT 1;
                -- Every commit writes a product event's touch beside it (the identity index finds the event by it).
                INSERT INTO product_touches
                SELECT project, ident, seq, time, item, action, NULL, TRY(json_extract_string(params, '$.category'))
                FROM events WHERE seq = (SELECT max(seq) FROM events);
                UPDATE attributes SET value = '"n\ud800"';
                INSERT INTO rejected (project, time, source, error, raw) SELECT no, now(), 'native', 'old', '{"label":"\ud800"}' FROM projects;
                """);
        }
        await VerifyAsync(data.Path, [], projectId, secret);
    }

    [Fact]
    public async Task Regression_LoneSurrogateInParams_DoesNotPoisonRefreshFeedsReadsOrErasure_ClickHouse()
    {
        using var data = new TempFolder();
        var connection = clickHouse.ConnectionString();
        string[] args = ["--store", "clickhouse", "--clickhouse", connection];
        var (projectId, secret) = await SeedAsync(data.Path, args);
        var database = ClickHouseStoreTables.DatabaseOf(connection);
        // ClickHouse's string literals read \\ as one backslash; unhex('EDA080') is a surrogate encoded as bytes, not UTF-8.
        await ClickHouseAsync(database, $$"""
            INSERT INTO events (project, action, time_ms, actor, eid, has_key, ord, received_ms, user_id, guest_id, session_id,
                                experience, variant, target, source_id, label, params, source)
            SELECT project, 'product_purchase', time_ms, actor, concat(eid, '-poisoned'), has_key, ord + 1000000, received_ms, user_id,
                   guest_id, session_id, experience, variant, '{"product":"sku-1","k\\ud800":"v"}', source_id, unhex('EDA080'),
                   '{"category":"c\\ud800","price":"2","email":"{{Email}} \\ud800"}', source
            FROM events WHERE user_id = 'victim' LIMIT 1
            """);
        await ClickHouseAsync(database, """
            INSERT INTO attributes (project, ident, name, value, ord)
            SELECT project, ident, name, '"n\\ud800"', ord + 1000000 FROM attributes
            """);
        await VerifyAsync(data.Path, args, projectId, secret);
    }

    // Stores clean activity through the API (so every table holds the victim), then stops the server.
    private static async Task<(string ProjectId, string Secret)> SeedAsync(string data, string[] args)
    {
        await using var server = await ServerProcess.StartAsync(data, args);
        var (projectId, secret) = server.DefaultProject();
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        var response = await http.PostAsJsonAsync("/v1/events", new object[]
        {
            new { action = "product_view", userId = "victim", target = new { product = "sku-1" } },
            new { action = "product_purchase", userId = "victim", target = new { product = "sku-1" }, @params = new { price = 3 } },
            new { action = "product_view", userId = "shopper", target = new { product = "sku-1" } },
            new { action = "product_view", userId = "shopper", target = new { product = "sku-2" } },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var attributes = new HttpRequestMessage(HttpMethod.Patch, "/personalize/user-attributes") { Content = JsonContent.Create(new { nickname = "n" }) };
        attributes.Headers.Add("X-Project-Uid", projectId);
        attributes.Headers.Add("X-CS-Personalize-User-Uid", "victim");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(attributes)).StatusCode);
        Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(60)));
        return (projectId, secret);
    }

    // A restart builds every model from the planted rows; then each read, the feeds, export and erasure must answer 200.
    private static async Task VerifyAsync(string data, string[] args, string projectId, string secret)
    {
        await using var server = await ServerProcess.StartAsync(data, args);
        using var http = server.Client();
        http.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        foreach (var path in new[]
        {
            "/v1/people?userId=victim", "/v1/people/activity?userId=victim", "/v1/people/export?userId=victim", "/v1/rejected",
            "/v1/recommendations/recently-viewed?userId=victim", "/v1/recommendations/trending?hours=168",
            "/v1/recommendations/repeat-purchase?userId=victim", "/v1/recommendations/also-viewed?item=sku-1",
            "/v1/recommendations/personal?userId=shopper",
        })
        {
            var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        var activity = await http.GetFromJsonAsync<JsonElement>("/v1/people/activity?userId=victim");
        Assert.Contains(activity.GetProperty("events").EnumerateArray(), e =>
            e.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object && p.GetProperty("category").GetString() == "c\uFFFD");
        var erase = await http.DeleteAsync("/v1/people?userId=victim");
        Assert.True(erase.StatusCode == HttpStatusCode.OK, $"erase: {(int)erase.StatusCode} {await erase.Content.ReadAsStringAsync()}");
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>("/v1/people/activity?userId=victim")).GetProperty("events").GetArrayLength());
        Assert.DoesNotContain(Email, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Refreshing the recommendation models", server.Output, StringComparison.Ordinal);
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task ClickHouseAsync(string database, string sql)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync($"http://127.0.0.1:{clickHouse.HttpPort}/?database={database}", new StringContent(sql, Encoding.UTF8));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
