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
        await AssertUpgradedAsync(server, retryAnsweredAsDuplicate: true);
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
        // A ClickHouse node seeds no key index from the store (it would scan every key of a store that nodes share): the
        // retry is acknowledged and its node's applier drops it, so it is stored once all the same.
        await AssertUpgradedAsync(server, retryAnsweredAsDuplicate: false,
            "person-userId=u15", "activity-userId=u15", "experiences", "rejected", "person-userId=u20", "activity-userId=u20");
    }

    private static async Task AssertUpgradedAsync(ServerProcess server, bool retryAnsweredAsDuplicate, params string[] differentInput)
    {
        var (projectId, secret) = server.DefaultProject();
        using var http = server.Client();
        http.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        await MainA77fb6dFixture.AssertSameAnswersAsync(http, differentInput);
        var storedBefore = await EventCountAsync(http, "g0");

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
        Assert.Equal(retryAnsweredAsDuplicate ? (1, 1) : (0, 2), (answer.GetProperty("duplicates").GetInt32(), answer.GetProperty("accepted").GetInt32()));
        Assert.Equal(storedBefore + 1, await EventCountAsync(http, "g0"));
    }

    // A read waits for the node's applier to pass what the node acknowledged before it (read-your-writes).
    private static async Task<long> EventCountAsync(HttpClient http, string guestId) =>
        (await http.GetFromJsonAsync<JsonElement>($"/v1/people?guestId={guestId}")).GetProperty("person").GetProperty("eventCount").GetInt64();
}
