using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Ingest;

/// <summary>Data written by main at a77fb6d (schema version 1, before the ingest log) opened by this version, on both stores.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class UpgradeTests(ClickHouseServer clickHouse)
{
    [Fact]
    public async Task Regression_KeysStoredBeforeTheLog_AreStillDuplicatesAfterTheUpgrade_AndResultsAreUnchanged()
    {
        using var data = new TempFolder();
        await MainA77fb6dFixture.UnpackDuckDbAsync(data.Path);

        await using var server = await ServerProcess.StartAsync(data.Path);
        await AssertUpgradedAsync(server);
    }

    [Fact]
    public async Task A_ClickHouse_database_of_main_a77fb6d_migrates_and_gives_every_event_person_and_result()
    {
        using var data = new TempFolder();
        var database = "a77fb6d_" + Guid.NewGuid().ToString("N")[..8];
        await MainA77fb6dFixture.LoadClickHouseAsync(clickHouse.HttpPort, database, data.Path);

        await using var server = await ServerProcess.StartAsync(data.Path, ["--store", "clickhouse", "--clickhouse", clickHouse.ConnectionString(database)]);
        // The ClickHouse data came from its own run of the same script, 29 s later: what carries a receive time (u15's
        // OneEntry event, the experience's creation, the rejected event) differs, and the DuckDB run received the
        // Synerise event for u20 twice, the ClickHouse run once.
        await AssertUpgradedAsync(server, "person-userId=u15", "activity-userId=u15", "experiences", "rejected", "person-userId=u20", "activity-userId=u20");
    }

    private static async Task AssertUpgradedAsync(ServerProcess server, params string[] differentInput)
    {
        var (projectId, secret) = server.DefaultProject();
        using var http = server.Client();
        http.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        await MainA77fb6dFixture.AssertSameAnswersAsync(http, differentInput);

        // fx-0 was stored by the old version: a client retrying it now must not store it a second time.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
        {
            Content = JsonContent.Create(new object[]
            {
                new { id = "fx-0", action = "product_view", guestId = "g0", target = new { product = "sku-1" } },
                new { id = "after-upgrade-1", action = "product_view", guestId = "g0", target = new { product = "sku-1" } },
            }),
        };
        request.Headers.Add("X-Project-Id", projectId);
        var answer = await (await http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, answer.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
    }
}
