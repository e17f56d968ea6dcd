using System.Collections.Concurrent;
using System.Text.Json;
using Footfall.Tests.Support;
using Microsoft.Playwright;

namespace Footfall.Tests.Dialects;

/// <summary>
/// The real <c>@segment/analytics-next</c> (its UMD bundle from <c>tests/vendor-sdks/node_modules</c>) in the system
/// Chromium, loading its settings from Footfall and sending back to it. The page comes from its own loopback origin;
/// Footfall's first answer to the client is lost on the way back, so the client retries that message.
/// </summary>
[Collection(SegmentClientsCollection.Name)]
public sealed class SegmentBrowserTests(VendorSdkServer fixture)
{
    private const string Page = """
        <!doctype html>
        <html><head><script src="/analytics-next.js"></script></head><body>
        <script>
          window.shop = async (writeKey, cdnURL, userId, experiment) => {
            const analytics = AnalyticsNext.AnalyticsBrowser.load({ writeKey, cdnURL });
            await analytics.track('Product Viewed', { product_id: 'sku-' + userId, price: 10 });
            await analytics.track('Experiment Viewed', { experiment_id: experiment, variation_id: '1' });
            await analytics.page('Home');
            const anonymousId = (await analytics.user()).anonymousId();
            await analytics.identify(userId, { plan: 'pro' });
            await analytics.track('Order Completed', { order_id: 'order-' + userId, products: [{ product_id: 'sku-' + userId, price: 10, quantity: 2 }] });
            return anonymousId;
          };
        </script></body></html>
        """;

    [Fact]
    public async Task Analytics_next_with_settings_from_footfall_stores_each_message_once_and_joins_the_visitor()
    {
        var writeKey = fixture.Server.DefaultProject().Id;
        var userId = "browser-" + Guid.NewGuid().ToString("N")[..12];
        var experiment = "exp-" + userId;
        await fixture.PutAsync($"/v1/experiences/{experiment}", new
        {
            name = experiment, variants = new[] { new { shortUid = "0", weight = 50 }, new { shortUid = "1", weight = 50 } },
            metrics = new[] { "product_purchase" }, attributionDays = 30,
        });
        var bundles = Path.Combine(VendorSdks.Folder, "node_modules", "@segment", "analytics-next", "dist", "umd");
        var sent = new ConcurrentQueue<(string MessageId, int Status)>();
        using var site = new LoopbackSite(url => url.AbsolutePath == "/analytics-next.js"
            ? ("application/javascript", File.ReadAllBytes(Path.Combine(bundles, "index.js")))
            : ("text/html", System.Text.Encoding.UTF8.GetBytes(Page)));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await using var context = await browser.NewContextAsync();
        await context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.AbsolutePath.Contains("/analytics-next/bundles/", StringComparison.Ordinal))
                await route.FulfillAsync(new() { Path = Path.Combine(bundles, Path.GetFileName(url.AbsolutePath)), ContentType = "application/javascript" });
            else if (url.GetLeftPart(UriPartial.Authority) == site.Origin)
                await route.ContinueAsync();
            else if (route.Request.Url.StartsWith(fixture.Server.Url + "/segment/v1/", StringComparison.Ordinal) && route.Request.Method == "POST")
            {
                var response = await route.FetchAsync();
                var messageId = JsonDocument.Parse(route.Request.PostData!).RootElement.GetProperty("messageId").GetString()!;
                var lost = sent.IsEmpty;
                sent.Enqueue((messageId, response.Status));
                await (lost ? route.FulfillAsync(new() { Status = 503, Body = "{}" }) : route.FulfillAsync(new() { Response = response }));
            }
            else if (route.Request.Url.StartsWith(fixture.Server.Url, StringComparison.Ordinal))
                await route.ContinueAsync();
            else
                await route.AbortAsync(); // nothing goes to Segment's CDN or API
        });
        var page = await context.NewPageAsync();
        var console = new ConcurrentQueue<string>();
        page.Console += (_, message) => console.Enqueue($"{message.Type}: {message.Text}");
        await page.GotoAsync(site.Origin + "/");
        var shopping = page.EvaluateAsync<string>("([k, c, u, e]) => window.shop(k, c, u, e)",
            new[] { writeKey, fixture.Server.Url + "/segment", userId, experiment });
        // Playwright's evaluate has no timeout of its own: a client that never settles fails here, saying why.
        Assert.True(await Task.WhenAny(shopping, Task.Delay(TimeSpan.FromSeconds(60))) == shopping,
            "analytics-next did not finish in 60 s; the page said:\n" + string.Join('\n', console));
        var anonymousId = await shopping;

        // The lost message is sent again until Footfall's answer gets through; then every message is in.
        var expected = new[] { "identify", "impression", "page.visit", "product_purchase", "product_view" };
        var activity = await fixture.EventuallyAsync($"/v1/people/activity?userId={userId}&limit=100",
            a => a.GetProperty("events").GetArrayLength() >= expected.Length && sent.Count(s => s.MessageId == sent.First().MessageId) >= 2);
        var actions = activity.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).Order(StringComparer.Ordinal);
        Assert.Equal(expected, actions);
        Assert.All(sent, s => Assert.Equal(200, s.Status));
        var visit = activity.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("action").GetString() == "page.visit");
        Assert.Equal(site.Origin + "/", visit.GetProperty("params").GetProperty("url").GetString());

        var person = (await fixture.GetAsync($"/v1/people?guestId={anonymousId}")).GetProperty("person");
        Assert.Contains(person.GetProperty("identifiers").EnumerateArray(), i => i.GetProperty("id").GetString() == userId);
        Assert.Equal("pro", person.GetProperty("attributes").GetProperty("plan").GetString());
        var variant = (await fixture.GetAsync($"/v1/experiences/{experiment}/results")).GetProperty("variants").EnumerateArray()
            .Single(v => v.GetProperty("variant").GetString() == "1");
        Assert.Equal(1, variant.GetProperty("impressions").GetInt32());
        Assert.Equal(1, variant.GetProperty("metrics").GetProperty("product_purchase").GetProperty("conversions").GetInt32());
        await fixture.EventuallyAsync("/v1/recommendations/trending?hours=24&limit=100",
            feed => feed.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("id").GetString() == "sku-" + userId));
    }
}
