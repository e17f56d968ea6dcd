using System.Net;
using System.Net.Http.Json;
using Footfall.Tests.Support;
using static Footfall.Tests.Dialects.DialectHttp;

namespace Footfall.Tests.Dialects;

/// <summary>One person reaching Footfall through all five entry points is one person: one feed, one set of results.</summary>
public sealed class CrossDialectTests(FootfallFactory factory) : IClassFixture<FootfallFactory>
{
    [Fact]
    public async Task Events_from_native_and_all_four_dialects_show_up_in_one_feed_and_one_set_of_results()
    {
        var project = await factory.CreateProjectAsync();
        using (var reader = project.Reader())
        {
            (await reader.PutAsJsonAsync("/v1/experiences/hero", new
            {
                variants = new[] { new { shortUid = "0", weight = 1 }, new { shortUid = "1", weight = 1 } },
                metrics = new[] { "product_purchase" },
            })).EnsureSuccessStatusCode();
        }
        using var http = factory.CreateClient();

        // Personalize: the manifest assigns alice a variant, and she sees it.
        var (manifest, manifestText) = await SendAsync(http, HttpMethod.Get, "/personalize/manifest", null,
            ("X-Project-Uid", project.Id), ("X-CS-Personalize-User-Uid", "alice"));
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        var variant = Json(manifestText).GetProperty("activeVariants").GetProperty("hero").GetString()!;
        await Expect(HttpStatusCode.OK, SendAsync(http, HttpMethod.Post, "/personalize/events",
            $"[{{\"type\":\"IMPRESSION\",\"experienceShortUid\":\"hero\",\"variantShortUid\":\"{variant}\"}}]",
            ("X-Project-Uid", project.Id), ("X-CS-Personalize-User-Uid", "alice")));

        // Native: a guest id of hers, linked to her user id.
        await project.TrackAsync(new { action = "product_view", userId = "alice", guestId = "browser-1", target = new { product = "sku-1" } });
        // OneEntry, as a guest of the browser she uses.
        await Expect(HttpStatusCode.OK, SendAsync(http, HttpMethod.Post, "/oneentry/user-activity",
            "{\"type\":\"product_purchase\",\"productId\":\"sku-1\"}", ("x-app-token", project.Id), ("x-guest-id", "browser-1")));
        // Crownpeak: her session plus her customer id.
        await Expect(HttpStatusCode.OK, SendAsync(http, HttpMethod.Post, $"/collect/{project.Id}",
            "[{\"action\":\"purchase\",\"target\":{\"product\":\"sku-2\"},\"user\":{\"identities\":{\"sessionid\":\"xo-1\",\"customerId\":\"alice\"}}}]"));
        // Synerise: her e-mail and her customer id, so the e-mail joins the same person.
        await Expect(HttpStatusCode.Accepted, SendAsync(http, HttpMethod.Post, "/synerise/v4/events/custom",
            new { action = "newsletter.signup", label = "Signed up", client = new { customId = "alice", email = "alice@example.com" } }, ("X-Project-Id", project.Id)));

        var events = (await project.GetAsync("/v1/people/activity?userId=alice@example.com&limit=50")).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(new[] { "crownpeak", "native", "oneentry", "personalize", "synerise" },
            events.Select(e => e.GetProperty("source").GetString()!).Distinct().Order().ToArray());
        Assert.Equal(5, events.Count);
        Assert.Equal(events.Count, (await project.GetAsync("/v1/people/activity?guestId=xo-1&limit=50")).GetProperty("events").GetArrayLength());

        var results = await project.GetAsync("/v1/experiences/hero/results");
        var row = results.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("variant").GetString() == variant);
        Assert.Equal(1, row.GetProperty("impressions").GetInt64());
        var purchases = row.GetProperty("metrics").GetProperty("product_purchase");
        Assert.Equal(2, purchases.GetProperty("conversions").GetInt64()); // OneEntry's and Crownpeak's
        Assert.Equal(1, purchases.GetProperty("convertedUsers").GetInt64());
    }

    private static async Task Expect(HttpStatusCode status, Task<(HttpResponseMessage Response, string Body)> send)
    {
        var (response, body) = await send;
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
    }
}
