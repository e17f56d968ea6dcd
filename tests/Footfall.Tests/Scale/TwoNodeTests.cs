using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Scale;

/// <summary>
/// Two real <c>footfall serve --store clickhouse</c> processes on one ClickHouse, as behind a load balancer:
/// whatever arrives at either node, both answer the same, and the same as one node would.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class TwoNodeTests(ClickHouseServer clickHouse)
{
    private const string AdminToken = "two-node-admin";

    [Fact]
    public async Task Two_nodes_on_one_ClickHouse_give_equal_results_and_activity()
    {
        using var dataA = new TempFolder();
        using var dataB = new TempFolder();
        var connection = clickHouse.ConnectionString();
        var env = new Dictionary<string, string> { ["FOOTFALL_ADMIN_TOKEN"] = AdminToken };
        string[] args = ["--store", "clickhouse", "--clickhouse", connection];
        await using var a = await ServerProcess.StartAsync(dataA.Path, args, env);
        await using var b = await ServerProcess.StartAsync(dataB.Path, args, env);

        // Configuration made on one node is seen by the other.
        var (projectId, secret) = await CreateProjectAsync(a);
        using (var http = Reader(b, secret))
        {
            var put = await http.PutAsJsonAsync("/v1/experiences/hero", new
            {
                name = "Hero", variants = new[] { new { shortUid = "0", weight = 50 }, new { shortUid = "1", weight = 50 } },
                metrics = new[] { "product_purchase" }, attributionDays = 30,
            });
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        // 40 persons; even ones arrive at A, odd ones at B; every third buys.
        var now = DateTime.UtcNow.AddHours(-1);
        for (var i = 0; i < 40; i++)
        {
            var node = i % 2 == 0 ? a : b;
            var events = new List<object>
            {
                new { action = "impression", guestId = $"g{i}", experience = "hero", variant = (i % 4 < 2 ? "0" : "1"), time = now.AddSeconds(i) },
            };
            if (i % 3 == 0)
                events.Add(new { id = $"order-{i}", action = "product_purchase", userId = $"u{i}", target = new { product = "sku-1" }, time = now.AddMinutes(5) });
            Assert.Equal(events.Count, (await TrackAsync(node, projectId, events)).GetProperty("accepted").GetInt32());
        }
        // The guests become their users: on the other node than the one that saw the impression.
        for (var i = 0; i < 40; i += 3)
            await IdentifyAsync(i % 2 == 0 ? b : a, projectId, $"g{i}", $"u{i}");

        // A retried order arrives at the other node: a duplicate, not a second conversion.
        var retry = await TrackAsync(b, projectId, [new { id = "order-0", action = "product_purchase", userId = "u0", target = new { product = "sku-1" }, time = now.AddMinutes(5) }]);
        Assert.Equal((0, 1), (retry.GetProperty("accepted").GetInt32(), retry.GetProperty("duplicates").GetInt32()));

        var resultsA = await GetAsync(a, secret, "/v1/experiences/hero/results");
        var resultsB = await GetAsync(b, secret, "/v1/experiences/hero/results");
        Assert.Equal(resultsA.GetRawText(), resultsB.GetRawText());
        var variants = resultsA.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("variant").GetString()!);
        Assert.Equal(20, variants["0"].GetProperty("impressions").GetInt32());
        Assert.Equal(20, variants["1"].GetProperty("impressions").GetInt32());
        // Buyers 0,3,...,39 (14 persons); variant "0" holds i % 4 in {0,1}: 0,12,24,36,9,21,33 = 7.
        var conversions = variants["0"].GetProperty("metrics").GetProperty("product_purchase");
        Assert.Equal((7, 7), (conversions.GetProperty("conversions").GetInt32(), conversions.GetProperty("convertedUsers").GetInt32()));

        var activityA = await GetAsync(a, secret, "/v1/people/activity?guestId=g3&limit=10");
        var activityB = await GetAsync(b, secret, "/v1/people/activity?userId=u3&limit=10");
        Assert.Equal(activityA.GetRawText(), activityB.GetRawText());
        Assert.Equal(["product_purchase", "impression"], activityA.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    private static async Task<(string Id, string Secret)> CreateProjectAsync(ServerProcess node)
    {
        using var http = node.Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        var response = await http.PostAsJsonAsync("/v1/admin/projects", new { name = "shop" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetString()!, body.GetProperty("secretKey").GetString()!);
    }

    private static HttpClient Reader(ServerProcess node, string secret)
    {
        var http = node.Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }

    private static async Task<JsonElement> TrackAsync(ServerProcess node, string projectId, IEnumerable<object> events)
    {
        using var http = node.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        var response = await http.PostAsJsonAsync("/v1/events", events);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task IdentifyAsync(ServerProcess node, string projectId, string guest, string user)
    {
        using var http = node.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        var response = await http.PostAsJsonAsync("/v1/identify", new { guestId = guest, userId = user });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> GetAsync(ServerProcess node, string secret, string path)
    {
        using var http = Reader(node, secret);
        var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} on {node.Url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
