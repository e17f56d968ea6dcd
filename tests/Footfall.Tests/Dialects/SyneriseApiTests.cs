using System.Net;
using Footfall.Tests.Support;
using static Footfall.Tests.Dialects.DialectHttp;

namespace Footfall.Tests.Dialects;

/// <summary>The Synerise custom events dialect: action rules, client identities, future times, and the error paths.</summary>
public sealed class SyneriseApiTests(FootfallFactory factory) : IClassFixture<FootfallFactory>
{
    [Fact]
    public async Task A_custom_event_gets_202_and_its_client_ids_are_one_person()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (response, text) = await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/custom", new
        {
            action = "entries.count",
            label = "Entries count",
            client = new { uuid = "syn-uuid-1", customId = "cust-1", email = "ann@example.com" },
            @params = new { shopId = "S198", entries = 27 },
            time = "2024-05-01T10:00:00Z",
        }, ("X-Project-Id", project.Id));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        var e = (await project.GetAsync("/v1/people/activity?userId=ann@example.com")).GetProperty("events").EnumerateArray().Single();
        Assert.Equal("entries.count", e.GetProperty("action").GetString());
        Assert.Equal("Entries count", e.GetProperty("label").GetString());
        Assert.Equal(27, e.GetProperty("params").GetProperty("entries").GetInt32());
        Assert.Equal(new DateTime(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc), e.GetProperty("time").GetDateTime().ToUniversalTime());
        Assert.Equal("synerise", e.GetProperty("source").GetString());
        Assert.Equal(1, (await project.GetAsync("/v1/people/activity?guestId=syn-uuid-1")).GetProperty("events").GetArrayLength());
        Assert.Equal(1, (await project.GetAsync("/v1/people/activity?userId=cust-1")).GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task A_future_time_is_replaced_by_the_receive_time_and_kept_in_params()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var future = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var before = DateTime.UtcNow.AddSeconds(-1);
        var (response, text) = await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/custom",
            new { action = "screen.view", label = "Home", client = new { uuid = "syn-future" }, time = future }, ("X-Project-Id", project.Id));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        var e = (await project.GetAsync("/v1/people/activity?guestId=syn-future")).GetProperty("events")[0];
        Assert.Equal(future, e.GetProperty("params").GetProperty("originalTime").GetString());
        Assert.InRange(e.GetProperty("time").GetDateTime().ToUniversalTime(), before, DateTime.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task A_batch_stores_the_good_events_and_reports_the_bad_ones_by_index()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (response, text) = await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/batch", new object[]
        {
            new { action = "product.buy", label = "Bought", client = new { id = 991 } },
            new { action = "nodot", label = "x", client = new { id = 991 } },
            new { action = "product.like", label = "", client = new { id = 991 } },
            new { action = "product.like", label = "Liked", client = new { } },
        }, ("X-Project-Id", project.Id));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        var result = Json(text);
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        var errors = result.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("error").GetString()!).ToArray();
        Assert.Contains("context.action", errors[0]);
        Assert.Contains("label is required", errors[1]);
        Assert.Contains("client must carry uuid, customId, email or id", errors[2]);
        Assert.Equal(3, (await project.GetAsync("/v1/rejected?limit=10")).GetProperty("rejected").GetArrayLength());
    }

    [Theory]
    [InlineData("{\"action\":\"a\",\"label\":\"l\",\"client\":{\"uuid\":\"u\"}}", "context.action")]
    [InlineData("{\"action\":\"this.action.is.far.too.long.for.synerise\",\"label\":\"l\",\"client\":{\"uuid\":\"u\"}}", "2-32 characters")]
    [InlineData("{\"action\":\"page visit\",\"label\":\"l\",\"client\":{\"uuid\":\"u\"}}", "context.action")]
    [InlineData("{\"action\":\"page.visit\",\"client\":{\"uuid\":\"u\"}}", "label is required")]
    [InlineData("{\"action\":\"page.visit\",\"label\":\"l\"}", "client is required")]
    [InlineData("{\"action\":\"page.visit\",\"label\":\"l\",\"client\":{\"uuid\":5}}", "client.uuid must be a string")]
    [InlineData("{\"action\":\"a.b\",\"label\":\"l\",\"client\":{\"uuid\":\"u\"},\"time\":\"yesterday\"}", "time 'yesterday'")]
    [InlineData("{\"action\":\"a.b\",\"label\":\"l\",\"client\":{\"uuid\":\"u\"},\"params\":[]}", "params must be a JSON object")]
    [InlineData("{\"action\":\"a.b\",\"label\":\"l\",\"client\":{\"email\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}", "at most 128 characters")]
    [InlineData("[]", "an event must be a JSON object")]
    [InlineData("{", "not valid JSON")]
    public async Task A_bad_custom_event_gets_400_naming_the_problem(string body, string message)
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (response, text) = await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/custom", body, ("X-Project-Id", project.Id));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, Json(text).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Batch_must_be_an_array_and_the_project_must_exist()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (notArray, text) = await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/batch", "{}", ("X-Project-Id", project.Id));
        Assert.Equal(HttpStatusCode.BadRequest, notArray.StatusCode);
        Assert.Contains("JSON array", text);
        var (unknown, _) = await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/custom", "{}", ("X-Project-Id", "p_nope"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var (missing, missingText) = await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/custom", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("X-Project-Id", missingText);
    }
}
