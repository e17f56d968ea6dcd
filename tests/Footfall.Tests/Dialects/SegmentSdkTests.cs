using System.Text.Json;

namespace Footfall.Tests.Dialects;

/// <summary>
/// The real Segment-spec clients from npm (<c>tests/vendor-sdks/segment.js</c>), unchanged but for their host, against
/// a real server process; a proxy loses Footfall's first answer so each client retries its batch.
/// </summary>
[Collection(SegmentClientsCollection.Name)]
public sealed class SegmentSdkTests(VendorSdkServer fixture)
{
    [Theory]
    [InlineData("analytics-node")]
    [InlineData("legacy")]
    [InlineData("rudder")]
    public async Task A_client_retry_stores_each_message_once_identify_joins_the_history_and_the_order_counts(string client)
    {
        var writeKey = fixture.Server.DefaultProject().Id;
        var run = $"{client}-{Guid.NewGuid():N}"[..24];
        var experiment = $"exp-{run}";
        await fixture.PutAsync($"/v1/experiences/{experiment}", new
        {
            name = experiment, variants = new[] { new { shortUid = "0", weight = 50 }, new { shortUid = "1", weight = 50 } },
            metrics = new[] { "product_purchase" }, attributionDays = 30,
        });

        var output = await VendorSdks.RunAsync("segment.js", client, fixture.Server.Url, writeKey, run, experiment);

        var requests = output.GetProperty("requests").EnumerateArray().ToList();
        Assert.True(requests.Count >= 2, $"the client did not retry: {output}");
        Assert.All(requests, r => Assert.Equal(200, r.GetProperty("footfallStatus").GetInt32()));
        Assert.Equal(503, requests[0].GetProperty("answered").GetInt32());
        Assert.StartsWith("Basic ", requests[0].GetProperty("authorization").GetString());
        if (client == "rudder")
            Assert.Equal("gzip", requests[0].GetProperty("encoding").GetString());
        // The only request retried was the first: its messages came back as duplicates, and none was stored twice.
        var answers = requests.Select(r => JsonDocument.Parse(r.GetProperty("footfallBody").GetString()!).RootElement).ToList();
        Assert.Equal(9, answers.Sum(a => a.GetProperty("accepted").GetInt32()));
        Assert.Equal(answers[0].GetProperty("accepted").GetInt32(), answers.Sum(a => a.GetProperty("duplicates").GetInt32()));
        Assert.All(answers, a => Assert.Equal(0, a.GetProperty("rejected").GetArrayLength()));

        // identify linked the anonymous history to the user: one person, every message stored exactly once.
        var userId = output.GetProperty("userId").GetString()!;
        var events = (await fixture.GetAsync($"/v1/people/activity?userId={userId}&limit=100")).GetProperty("events").EnumerateArray().ToList();
        var actions = events.Select(e => e.GetProperty("action").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "alias", "group", "identify", "impression", "page.visit", "product_purchase", "product_purchase", "product_view", "segment.signed_up" }, actions);
        Assert.All(events, e => Assert.Equal("segment", e.GetProperty("source").GetString()));
        var sku = output.GetProperty("sku").GetString()!;
        var purchase = events.First(e => e.GetProperty("action").GetString() == "product_purchase" && e.GetProperty("target").GetProperty("product").GetString() == sku);
        Assert.Equal(2, purchase.GetProperty("params").GetProperty("quantity").GetInt32());
        Assert.Equal($"order-{run}", purchase.GetProperty("params").GetProperty("order_id").GetString());
        Assert.Equal("Order Completed", purchase.GetProperty("params").GetProperty("event").GetString());
        var visit = events.Single(e => e.GetProperty("action").GetString() == "page.visit");
        Assert.Equal("https://shop.example/", visit.GetProperty("params").GetProperty("url").GetString());
        var person = (await fixture.GetAsync($"/v1/people?guestId={output.GetProperty("anonymousId").GetString()}")).GetProperty("person");
        Assert.Equal("pro", person.GetProperty("attributes").GetProperty("plan").GetString());
        Assert.Contains(person.GetProperty("identifiers").EnumerateArray(), i => i.GetProperty("id").GetString() == $"old-{run}");

        // The order counts in the experiment's results and in the feeds.
        var results = await fixture.GetAsync($"/v1/experiences/{experiment}/results");
        var variant = results.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("variant").GetString() == "1");
        Assert.Equal(1, variant.GetProperty("impressions").GetInt32());
        Assert.Equal(2, variant.GetProperty("metrics").GetProperty("product_purchase").GetProperty("conversions").GetInt32());
        await fixture.EventuallyAsync($"/v1/recommendations/trending?hours=24&limit=100",
            feed => feed.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("id").GetString() == sku));
    }
}

/// <summary>
/// The Segment client tests share a server of their own: the experiences they define must not appear in the
/// manifest the Personalize SDK tests check.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SegmentClientsCollection : ICollectionFixture<VendorSdkServer>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "segment clients";
}
