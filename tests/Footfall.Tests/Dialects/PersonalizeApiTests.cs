using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;
using static Footfall.Tests.Dialects.DialectHttp;

namespace Footfall.Tests.Dialects;

/// <summary>The Personalize Edge API dialect through <see cref="FootfallFactory"/>: assignment rules and error paths.</summary>
public sealed class PersonalizeApiTests(FootfallFactory factory) : IClassFixture<FootfallFactory>
{
    private const string UidHeader = "X-CS-Personalize-User-Uid";

    private async Task<JsonElement> ManifestAsync(TestProject project, string? uid, string query = "")
    {
        using var http = factory.CreateClient();
        var headers = new List<(string, string)> { ("X-Project-Uid", project.Id) };
        if (uid is not null) headers.Add((UidHeader, uid));
        var (response, body) = await SendAsync(http, HttpMethod.Get, "/personalize/manifest" + query, null, headers.ToArray());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(uid ?? response.Headers.GetValues(UidHeader).Single(), response.Headers.GetValues(UidHeader).Single());
        return Json(body);
    }

    [Fact]
    public async Task Unknown_project_gets_the_SDKs_404_error_code_and_still_a_uid()
    {
        using var http = factory.CreateClient();
        var (response, body) = await SendAsync(http, HttpMethod.Get, "/personalize/manifest", null, ("X-Project-Uid", "p_missing"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("personalize.MANIFEST.PROJECT_NOT_FOUND", Json(body).GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues(UidHeader).Single()));
    }

    [Fact]
    public async Task A_uid_is_minted_when_none_came_and_echoed_when_sent()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (first, _) = await SendAsync(http, HttpMethod.Get, "/personalize/manifest", null, ("X-Project-Uid", project.Id));
        var (second, _) = await SendAsync(http, HttpMethod.Get, "/personalize/manifest", null, ("X-Project-Uid", project.Id));
        Assert.NotEqual(first.Headers.GetValues(UidHeader).Single(), second.Headers.GetValues(UidHeader).Single());
        await ManifestAsync(project, "my-uid");
    }

    [Fact]
    public async Task Assignment_is_sticky_follows_the_weights_and_paused_or_ended_experiences_give_null()
    {
        var project = await factory.CreateProjectAsync();
        using var reader = project.Reader();
        (await reader.PutAsJsonAsync("/v1/experiences/split", new
        {
            variants = new[] { new { shortUid = "a", weight = 80 }, new { shortUid = "b", weight = 20 }, new { shortUid = "c", weight = 0 } },
        })).EnsureSuccessStatusCode();
        (await reader.PutAsJsonAsync("/v1/experiences/paused", new { variants = new[] { new { shortUid = "0", weight = 1 } }, status = "paused" })).EnsureSuccessStatusCode();
        (await reader.PutAsJsonAsync("/v1/experiences/ended", new { variants = new[] { new { shortUid = "0", weight = 1 } }, status = "ended" })).EnsureSuccessStatusCode();

        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 400; i++)
        {
            var manifest = await ManifestAsync(project, $"user-{i}");
            var variant = manifest.GetProperty("activeVariants").GetProperty("split").GetString()!;
            counts[variant] = counts.GetValueOrDefault(variant) + 1;
            Assert.Equal(JsonValueKind.Null, manifest.GetProperty("activeVariants").GetProperty("paused").ValueKind);
            Assert.Equal(JsonValueKind.Null, manifest.GetProperty("activeVariants").GetProperty("ended").ValueKind);
            var experience = manifest.GetProperty("experiences").EnumerateArray().Single(e => e.GetProperty("shortUid").GetString() == "split");
            Assert.Equal(variant, experience.GetProperty("activeVariantShortUid").GetString());
            if (i % 50 == 0)
                Assert.Equal(variant, (await ManifestAsync(project, $"user-{i}")).GetProperty("activeVariants").GetProperty("split").GetString());
        }
        Assert.False(counts.ContainsKey("c"), "a zero-weight variant is never assigned");
        // 80/20 over 400 users: a fair hash lands well inside 260..380 for "a" (more than 5 standard deviations).
        Assert.InRange(counts["a"], 260, 380);
        Assert.Equal(400, counts["a"] + counts["b"]);
    }

    [Fact]
    public async Task Tags_filter_the_experiences_and_live_attributes_and_page_headers_are_accepted()
    {
        var project = await factory.CreateProjectAsync();
        using var reader = project.Reader();
        (await reader.PutAsJsonAsync("/v1/experiences/home", new { variants = new[] { new { shortUid = "0", weight = 1 } }, tags = new[] { "home" } })).EnsureSuccessStatusCode();
        (await reader.PutAsJsonAsync("/v1/experiences/cart", new { variants = new[] { new { shortUid = "0", weight = 1 } }, tags = new[] { "cart" } })).EnsureSuccessStatusCode();
        var tagged = await ManifestAsync(project, "u1", "?tags[]=home");
        Assert.Equal(["home"], tagged.GetProperty("experiences").EnumerateArray().Select(e => e.GetProperty("shortUid").GetString()!).ToArray());
        Assert.Equal(2, (await ManifestAsync(project, "u1")).GetProperty("experiences").GetArrayLength());

        using var http = factory.CreateClient();
        var (ok, _) = await SendAsync(http, HttpMethod.Get, "/personalize/manifest", null, ("X-Project-Uid", project.Id),
            ("X-Live-Attributes", "{\"country\":\"de\"}"), ("X-Page-Url", "https://shop/x"), ("Referer", "https://google"), ("User-Agent", "test"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var (bad, body) = await SendAsync(http, HttpMethod.Get, "/personalize/manifest", null, ("X-Project-Uid", project.Id), ("X-Live-Attributes", "{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("X-Live-Attributes", body);
    }

    [Fact]
    public async Task Events_store_impressions_and_event_keys_and_report_bad_items_by_index()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (response, body) = await SendAsync(http, HttpMethod.Post, "/personalize/events",
            "[{\"type\":\"IMPRESSION\",\"experienceShortUid\":\"e1\",\"variantShortUid\":\"1\"},{\"type\":\"EVENT\",\"eventKey\":\"clickCTA\"},{\"type\":\"CLICK\"},{\"type\":\"IMPRESSION\",\"experienceShortUid\":\"e1\"}]",
            ("X-Project-Uid", project.Id), (UidHeader, "pz-user"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = Json(body);
        Assert.Equal(2, result.GetProperty("accepted").GetInt32());
        Assert.Equal("type 'CLICK' is not IMPRESSION or EVENT", result.GetProperty("rejected")[0].GetProperty("error").GetString());
        Assert.Equal("IMPRESSION requires variantShortUid", result.GetProperty("rejected")[1].GetProperty("error").GetString());
        var events = (await project.GetAsync("/v1/people/activity?userId=pz-user")).GetProperty("events");
        Assert.Equal(new[] { "clickCTA", "impression" }, events.EnumerateArray().Select(e => e.GetProperty("action").GetString()!).Order().ToArray());
        Assert.All(events.EnumerateArray(), e => Assert.Equal("personalize", e.GetProperty("source").GetString()));
    }

    [Theory]
    [InlineData(null, "pz", "[]", HttpStatusCode.BadRequest, "X-Project-Uid")]
    [InlineData("p_unknown", "pz", "[]", HttpStatusCode.NotFound, "p_unknown")]
    [InlineData("{project}", null, "[]", HttpStatusCode.BadRequest, "X-CS-Personalize-User-Uid")]
    [InlineData("{project}", "pz", "{\"type\":", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("{project}", "pz", "42", HttpStatusCode.BadRequest, "JSON array")]
    public async Task Bad_event_requests_get_4xx_naming_the_problem(string? projectId, string? uid, string body, HttpStatusCode status, string message)
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var headers = new List<(string, string)>();
        if (projectId is not null) headers.Add(("X-Project-Uid", projectId.Replace("{project}", project.Id)));
        if (uid is not null) headers.Add((UidHeader, uid));
        var (response, text) = await SendAsync(http, HttpMethod.Post, "/personalize/events", body, headers.ToArray());
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, text);
    }

    [Fact]
    public async Task Attributes_keep_the_latest_value_and_a_merge_lets_the_anonymous_source_win()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        async Task Patch(string uid, string json)
        {
            var (response, body) = await SendAsync(http, HttpMethod.Patch, "/personalize/user-attributes", json, ("X-Project-Uid", project.Id), (UidHeader, uid));
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        }
        // The anonymous uid is one the manifest minted: a made-up uid would be a user id of its own.
        var (manifest, _) = await SendAsync(http, HttpMethod.Get, "/personalize/manifest", null, ("X-Project-Uid", project.Id));
        var anon = manifest.Headers.GetValues(UidHeader).Single();
        await Patch("known", "{\"plan\":\"free\",\"country\":\"de\"}");
        await Patch("known", "{\"plan\":\"pro\"}");
        await Patch(anon, "{\"plan\":\"trial\",\"age\":30}");
        var attributes = (await project.GetAsync("/v1/people?userId=known")).GetProperty("person").GetProperty("attributes");
        Assert.Equal("pro", attributes.GetProperty("plan").GetString());

        var (merged, mergeBody) = await SendAsync(http, HttpMethod.Post, "/personalize/user-attributes/actions/merge",
            $"{{\"sourceUserUid\":\"{anon}\",\"targetUserUid\":\"known\"}}", ("X-Project-Uid", project.Id));
        Assert.True(merged.StatusCode == HttpStatusCode.OK, mergeBody);
        var person = (await project.GetAsync("/v1/people?userId=known")).GetProperty("person");
        Assert.Equal("trial", person.GetProperty("attributes").GetProperty("plan").GetString());
        Assert.Equal(30, person.GetProperty("attributes").GetProperty("age").GetInt32());
        Assert.Equal("de", person.GetProperty("attributes").GetProperty("country").GetString());
        Assert.Contains(anon, person.GetProperty("identifiers").EnumerateArray().Select(i => i.GetProperty("id").GetString()));

        var (bad, badBody) = await SendAsync(http, HttpMethod.Post, "/personalize/user-attributes/actions/merge",
            "{\"sourceUserUid\":\"anon\"}", ("X-Project-Uid", project.Id));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("targetUserUid", badBody);
        var (notObject, notObjectBody) = await SendAsync(http, HttpMethod.Patch, "/personalize/user-attributes", "[1]", ("X-Project-Uid", project.Id), (UidHeader, "x"));
        Assert.Equal(HttpStatusCode.BadRequest, notObject.StatusCode);
        Assert.Contains("JSON object", notObjectBody);
    }

    [Fact]
    public async Task A_merge_of_two_identified_uids_is_refused_and_kept_aside()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        foreach (var uid in new[] { "customer-1", "customer-2" })
        {
            var (patched, body) = await SendAsync(http, HttpMethod.Patch, "/personalize/user-attributes", "{\"plan\":\"pro\"}",
                ("X-Project-Uid", project.Id), (UidHeader, uid));
            Assert.True(patched.StatusCode == HttpStatusCode.OK, body);
        }
        var (merged, mergeBody) = await SendAsync(http, HttpMethod.Post, "/personalize/user-attributes/actions/merge",
            "{\"sourceUserUid\":\"customer-2\",\"targetUserUid\":\"customer-1\"}", ("X-Project-Uid", project.Id));
        Assert.Equal(HttpStatusCode.Conflict, merged.StatusCode);
        Assert.Contains("/v1/people/merge", mergeBody);
        var person = (await project.GetAsync("/v1/people?userId=customer-1")).GetProperty("person");
        Assert.Equal(["customer-1"], person.GetProperty("identifiers").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        var rejected = (await project.GetAsync("/v1/rejected")).GetProperty("rejected");
        Assert.Equal("personalize", Assert.Single(rejected.EnumerateArray()).GetProperty("source").GetString());
    }
}
