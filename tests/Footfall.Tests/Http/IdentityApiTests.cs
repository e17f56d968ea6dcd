using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Identity;
using Footfall.Tests.Support;
using static Footfall.Tests.Dialects.DialectHttp;

namespace Footfall.Tests.Http;

/// <summary>The link rule through the HTTP API (CONTRACT §3), and the secret-key merge.</summary>
public sealed class IdentityApiTests(FootfallFactory factory) : IClassFixture<FootfallFactory>
{
    private static async Task<TestProject> VictimAndAttackerAsync(FootfallFactory factory)
    {
        var project = await factory.CreateProjectAsync();
        await project.TrackAsync(
            new { action = "order_placed", userId = "victim", guestId = "victim-browser", label = "the victim's order" },
            new { action = "browse", userId = "mallory", guestId = "mine" });
        return project;
    }

    private static IEnumerable<string?> Actions(JsonElement export) =>
        export.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString());

    [Fact]
    public async Task Regression_PublicLinkJoinsAttackersPersonToVictim_ExportOfAttackersGuestReturnsVictimsHistory()
    {
        var project = await VictimAndAttackerAsync(factory);
        using var http = factory.CreateClient();
        var id = project.Id;

        var (identify, identifyBody) = await SendAsync(http, HttpMethod.Post, "/v1/identify", new { guestId = "mine", userId = "victim" }, ("X-Project-Id", id));
        Assert.Equal(HttpStatusCode.Conflict, identify.StatusCode);
        Assert.Equal(LinkRule.RefusedReason, Json(identifyBody).GetProperty("error").GetString());
        var native = await project.TrackAsync(new { action = "browse", userId = "victim", guestId = "mine" });
        Assert.Equal(1, native.GetProperty("refusedLinks").GetInt32());
        var (crownpeak, crownpeakBody) = await SendAsync(http, HttpMethod.Post, $"/collect/{id}",
            new[] { new { action = "view", target = new { product = "p" }, user = new { identities = new { sessionId = "mine", customerId = "victim" } } } });
        Assert.True(crownpeak.StatusCode == HttpStatusCode.OK, crownpeakBody);
        Assert.Equal(1, Json(crownpeakBody).GetProperty("refusedLinks").GetInt32());
        var (synerise, syneriseBody) = await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/batch",
            new[] { new { action = "product.view", label = "p", client = new { uuid = "mine", customId = "victim" } } }, ("X-Project-Id", id));
        Assert.True(synerise.StatusCode == HttpStatusCode.Accepted, syneriseBody);
        var (oneEntry, oneEntryBody) = await SendAsync(http, HttpMethod.Post, "/oneentry/user-activity", new { type = "product_view", productId = "p" },
            ("x-app-token", id), ("x-guest-id", "mine"), ("x-user-id", "victim"));
        Assert.True(oneEntry.StatusCode == HttpStatusCode.OK, oneEntryBody);
        var (personalize, _) = await SendAsync(http, HttpMethod.Post, "/personalize/user-attributes/actions/merge",
            new { sourceUserUid = "mallory", targetUserUid = "victim" }, ("X-Project-Uid", id));
        Assert.Equal(HttpStatusCode.Conflict, personalize.StatusCode);

        var export = await project.GetAsync("/v1/people/export?guestId=mine");
        Assert.DoesNotContain("order_placed", Actions(export));
        Assert.Equal(["mallory", "mine"], export.GetProperty("identifiers").EnumerateArray().Select(i => i.GetProperty("id").GetString()).Order());
        var refused = (await project.GetAsync("/v1/rejected?limit=50")).GetProperty("rejected").EnumerateArray()
            .Where(r => r.GetProperty("error").GetString() == LinkRule.RefusedReason).Select(r => r.GetProperty("source").GetString()).ToList();
        Assert.Equal(["crownpeak", "native", "native", "oneentry", "personalize", "synerise"], refused.Order());
    }

    [Fact]
    public async Task Only_the_secret_key_merge_joins_two_identified_persons()
    {
        var project = await VictimAndAttackerAsync(factory);
        var merge = new { userId = "mallory", intoUserId = "victim" };
        using (var anonymous = factory.CreateClient())
        {
            anonymous.DefaultRequestHeaders.Add("X-Project-Id", project.Id);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/v1/people/merge", merge)).StatusCode);
        }
        using var reader = project.Reader();
        Assert.Equal(HttpStatusCode.NotFound, (await reader.PostAsJsonAsync("/v1/people/merge", new { userId = "nobody", intoUserId = "victim" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.PostAsJsonAsync("/v1/people/merge", new { userId = "victim", intoUserId = "victim" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.PostAsJsonAsync("/v1/people/merge", new { userId = "mallory" })).StatusCode);

        var response = await reader.PostAsJsonAsync("/v1/people/merge", merge);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(["mallory", "mine", "victim", "victim-browser"],
            Json(body).GetProperty("person").GetProperty("identifiers").EnumerateArray().Select(i => i.GetProperty("id").GetString()).Order());
        Assert.Contains("order_placed", Actions(await project.GetAsync("/v1/people/export?guestId=mine")));
        using var ingest = project.Ingest();
        Assert.Equal(HttpStatusCode.OK, (await ingest.PostAsJsonAsync("/v1/identify", new { guestId = "mine", userId = "victim" })).StatusCode);
    }
}
