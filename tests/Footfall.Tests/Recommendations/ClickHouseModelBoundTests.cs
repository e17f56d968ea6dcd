using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Recommendations;

/// <summary>What a ClickHouse node reads into its memory for recommendations, against the bound its configuration sets.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseModelBoundTests(ClickHouseServer clickHouse)
{
    /// <summary>
    /// Bug: a ClickHouse node computed its models in memory from every product interaction of the window: at 10M events
    /// (6.1M interactions in 90 days) a default node's background refresh alone passed 8.6 GB two minutes after start
    /// and 11 GB later, and feeds answered 503 after the 600 s deadline; bounding the read only turned that into a 503
    /// at once. The models' aggregates are now computed in ClickHouse, so feeds answer whatever the window holds, here
    /// with the node's bound on interactions read into memory below the window's. The one read that still brings
    /// interactions into the node, the performance report's, is refused past the bound with a 503 naming it, and the
    /// node stays healthy.
    /// </summary>
    [Fact]
    public async Task Regression_AClickHouseNodeReadEveryInteractionOfTheWindowIntoMemory_FeedsAreComputedInClickHouse()
    {
        using var data = new TempFolder();
        await using var server = await ServerProcess.StartAsync(data.Path, ["--store", "clickhouse", "--clickhouse", clickHouse.ConnectionString()],
            new Dictionary<string, string> { ["Footfall__ClickHouseMaxInteractions"] = "3", ["Recommendations__RefreshSeconds"] = "0" });
        var (projectId, secret) = server.DefaultProject();
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        // One visit (a guest's day) viewing four products, and four clicks on a served response.
        var views = Enumerable.Range(0, 4).Select(i => new { id = $"v{i}", action = "product_view", guestId = "g1", target = new { product = $"sku-{i}" } });
        var clicks = Enumerable.Range(0, 4).Select(i => new { id = $"c{i}", action = "click", guestId = "g2", sourceId = "r1", target = new { product = $"sku-{i}" } });
        (await http.PostAsJsonAsync("/v1/events", views.Cast<object>().Concat(clicks))).EnsureSuccessStatusCode();
        await server.WaitAppliedAsync(secret);

        using var reader = server.Client();
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(["sku-1", "sku-2", "sku-3"], await ItemsAsync(reader, "/v1/recommendations/also-viewed?item=sku-0"));
        Assert.Equal(4, (await ItemsAsync(reader, "/v1/recommendations/trending")).Count);

        using var report = await reader.GetAsync("/v1/recommendations/performance");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, report.StatusCode);
        var error = (await report.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        Assert.Contains("4 product interactions", error, StringComparison.Ordinal);
        Assert.Contains("Footfall:ClickHouseMaxInteractions", error, StringComparison.Ordinal);
        // A configured bound, not a failing store: the node stays healthy.
        using var health = await reader.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task<List<string>> ItemsAsync(HttpClient reader, string path)
    {
        using var response = await reader.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToList();
    }
}
