using System.Net;
using System.Net.Http.Json;
using System.Text;
using Footfall.Tests.Support;

namespace Footfall.Tests.Http;

public sealed class IngestApiTests : IClassFixture<FootfallFactory>
{
    private readonly FootfallFactory _factory;

    public IngestApiTests(FootfallFactory factory) => _factory = factory;

    [Fact]
    public async Task Valid_events_are_accepted_and_invalid_ones_reported_by_index_and_quarantined()
    {
        var project = await _factory.CreateProjectAsync();
        var result = await project.TrackAsync(
            new { action = "product_view", guestId = "g1", target = new { product = "sku-1" } },
            new { action = "bad action!", guestId = "g1" },
            new { action = "product_view", guestId = "g1" });
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        var rejected = result.GetProperty("rejected");
        Assert.Equal(2, rejected.GetArrayLength());
        Assert.Equal(1, rejected[0].GetProperty("index").GetInt32());
        Assert.Contains("action", rejected[0].GetProperty("error").GetString());
        Assert.Equal("product_view requires target.product", rejected[1].GetProperty("error").GetString());

        var quarantine = await project.GetAsync("/v1/rejected?limit=10");
        Assert.Equal(2, quarantine.GetProperty("rejected").GetArrayLength());
        Assert.Contains("bad action!", quarantine.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("raw").GetString()).Single(r => r!.Contains("bad")));
    }

    [Fact]
    public async Task A_body_of_one_event_per_line_rejects_a_line_that_is_not_JSON_alone_and_keeps_it_aside()
    {
        var project = await _factory.CreateProjectAsync();
        using var http = project.Ingest();
        var body = string.Join("\r\n",
            """{"action":"product_view","guestId":"g1","target":{"product":"sku-1"}}""",
            """{"action":"product_view","guestId":"g1","target":{"prod""",
            "",
            """{"action":"product_view","guestId":"g1"}""",
            """{"action":"signup","userId":"u-lines"}""");
        var response = await http.PostAsync("/v1/events", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
        response.EnsureSuccessStatusCode();
        var result = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();

        // The blank line is skipped; indexes count the others.
        Assert.Equal(2, result.GetProperty("accepted").GetInt32());
        var rejected = result.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("error").GetString()!)).ToList();
        Assert.Equal([1, 2], rejected.Select(r => r.Item1));
        Assert.StartsWith("not valid JSON", rejected[0].Item2);
        Assert.Equal("product_view requires target.product", rejected[1].Item2);
        var kept = (await project.GetAsync("/v1/rejected?limit=10")).GetProperty("rejected").EnumerateArray().ToList();
        Assert.Contains(kept, r => r.GetProperty("raw").GetString() == """{"action":"product_view","guestId":"g1","target":{"prod"""
            && r.GetProperty("error").GetString()!.StartsWith("not valid JSON", StringComparison.Ordinal));
        Assert.Single((await project.GetAsync("/v1/people/activity?userId=u-lines")).GetProperty("events").EnumerateArray());

        // More lines than a batch holds: 413, nothing stored.
        var tooMany = string.Join("\n", Enumerable.Repeat("""{"action":"signup","userId":"u-many"}""", 1001));
        var refused = await http.PostAsync("/v1/events", new StringContent(tooMany, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("1000", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_idempotency_key_is_stored_once_whenever_the_retry_comes()
    {
        var project = await _factory.CreateProjectAsync();
        var e = new { id = "evt-1", action = "signup", userId = "u1" };
        Assert.Equal(1, (await project.TrackAsync(e)).GetProperty("accepted").GetInt32());
        await project.TrackAsync(new { action = "other", userId = "u1" });
        var again = await project.TrackAsync(e, e);
        Assert.Equal(0, again.GetProperty("accepted").GetInt32());
        Assert.Equal(2, again.GetProperty("duplicates").GetInt32());
        var activity = await project.GetAsync("/v1/people/activity?userId=u1");
        Assert.Equal(1, activity.GetProperty("events").EnumerateArray().Count(x => x.GetProperty("action").GetString() == "signup"));
    }

    [Theory]
    [InlineData("[{\"action\":", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("42", HttpStatusCode.BadRequest, "one object or a JSON array of events")]
    [InlineData("", HttpStatusCode.BadRequest, "empty")]
    public async Task Malformed_bodies_get_400_naming_the_problem(string body, HttpStatusCode status, string message)
    {
        var project = await _factory.CreateProjectAsync();
        using var http = project.Ingest();
        var response = await http.PostAsync("/v1/events", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_batch_over_1000_events_gets_413_and_nothing_is_stored()
    {
        var project = await _factory.CreateProjectAsync();
        using var http = project.Ingest();
        var events = Enumerable.Range(0, 1001).Select(i => new { action = "x", userId = "big" }).ToArray();
        var response = await http.PostAsJsonAsync("/v1/events", events);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1000", await response.Content.ReadAsStringAsync());
        var activity = await project.GetAsync("/v1/people/activity?userId=big");
        Assert.Equal(0, activity.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task A_body_over_1_MiB_gets_413()
    {
        var project = await _factory.CreateProjectAsync();
        using var http = project.Ingest();
        var response = await http.PostAsync("/v1/events", new StringContent("[\"" + new string('x', 1024 * 1024) + "\"]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task The_project_may_be_named_in_the_query_instead_of_the_header()
    {
        var project = await _factory.CreateProjectAsync();
        using var http = _factory.CreateClient();
        var response = await http.PostAsJsonAsync($"/v1/events?project={project.Id}", new { action = "signup", userId = "q1" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await project.GetAsync("/v1/people/activity?userId=q1")).GetProperty("events").GetArrayLength());
        var missing = await http.PostAsJsonAsync("/v1/events", new { action = "signup", userId = "q1" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("project id is required", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_project_gets_404_with_a_json_error()
    {
        using var http = _factory.CreateClient();
        http.DefaultRequestHeaders.Add("X-Project-Id", "p_nope");
        var response = await http.PostAsJsonAsync("/v1/events", new { action = "x", userId = "u" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Reads_need_the_projects_own_secret_key()
    {
        var a = await _factory.CreateProjectAsync("a");
        var b = await _factory.CreateProjectAsync("b");
        await a.TrackAsync(new { action = "secret_thing", userId = "u-a" });
        using var anonymous = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/people/activity?userId=u-a")).StatusCode);
        using var wrong = b.Reader();
        var response = await wrong.GetAsync("/v1/people/activity?userId=u-a");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"events\":[]}", await response.Content.ReadAsStringAsync());
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", "sk_wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/v1/rejected")).StatusCode);
    }
}
