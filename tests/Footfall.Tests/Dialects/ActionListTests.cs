using System.Net;
using System.Net.Http.Json;
using Footfall.Tests.Support;
using static Footfall.Tests.Dialects.DialectHttp;

namespace Footfall.Tests.Dialects;

/// <summary>The per-project allow and deny lists apply to every dialect, and the reason names the list.</summary>
public sealed class ActionListTests(FootfallFactory factory) : IClassFixture<FootfallFactory>
{
    private async Task<TestProject> ProjectWithListsAsync(string[] allow, string[] deny)
    {
        var project = await factory.CreateProjectAsync();
        using var reader = project.Reader();
        (await reader.PutAsJsonAsync("/v1/settings/actions", new { allow, deny })).EnsureSuccessStatusCode();
        return project;
    }

    private static async Task AssertQuarantinedAsync(TestProject project, string source, string list)
    {
        var rejected = (await project.GetAsync("/v1/rejected?limit=10")).GetProperty("rejected").EnumerateArray().Single();
        Assert.Equal(source, rejected.GetProperty("source").GetString());
        Assert.Contains(list, rejected.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Personalize_events_obey_the_deny_list()
    {
        var project = await ProjectWithListsAsync([], ["clickCTA"]);
        using var http = factory.CreateClient();
        var (_, text) = await SendAsync(http, HttpMethod.Post, "/personalize/events", "[{\"type\":\"EVENT\",\"eventKey\":\"clickCTA\"},{\"type\":\"EVENT\",\"eventKey\":\"ok\"}]",
            ("X-Project-Uid", project.Id), ("X-CS-Personalize-User-Uid", "u"));
        var result = Json(text);
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal("action 'clickCTA' is in the project's deny list", result.GetProperty("rejected")[0].GetProperty("error").GetString());
        await AssertQuarantinedAsync(project, "personalize", "deny list");
    }

    [Fact]
    public async Task Crownpeak_activities_obey_the_allow_list_by_their_footfall_action()
    {
        var project = await ProjectWithListsAsync(["product_view"], []);
        using var http = factory.CreateClient();
        var (_, text) = await SendAsync(http, HttpMethod.Post, $"/collect/{project.Id}",
            "[{\"action\":\"view\",\"target\":{\"product\":\"p\"},\"user\":{\"identities\":{\"sessionId\":\"s\"}}},{\"action\":\"click\",\"target\":{\"product\":\"p\"},\"user\":{\"identities\":{\"sessionId\":\"s\"}}}]");
        var result = Json(text);
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal("action 'click' is not in the project's allow list", result.GetProperty("rejected")[0].GetProperty("error").GetString());
        await AssertQuarantinedAsync(project, "crownpeak", "allow list");
    }

    [Fact]
    public async Task OneEntry_events_obey_the_deny_list()
    {
        var project = await ProjectWithListsAsync([], ["search"]);
        using var http = factory.CreateClient();
        var (response, text) = await SendAsync(http, HttpMethod.Post, "/oneentry/user-activity", "{\"type\":\"search\",\"query\":\"q\"}",
            ("x-app-token", project.Id), ("x-guest-id", "g"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("action 'search' is in the project's deny list", Json(text).GetProperty("error").GetString());
        await AssertQuarantinedAsync(project, "oneentry", "deny list");
    }

    [Fact]
    public async Task Synerise_events_obey_the_allow_list_one_by_one_and_in_batches()
    {
        var project = await ProjectWithListsAsync(["product.buy"], []);
        using var http = factory.CreateClient();
        var (response, text) = await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/custom",
            new { action = "screen.view", label = "l", client = new { uuid = "u" } }, ("X-Project-Id", project.Id));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("action 'screen.view' is not in the project's allow list", Json(text).GetProperty("error").GetString());
        await AssertQuarantinedAsync(project, "synerise", "allow list");

        var (batch, batchText) = await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/batch", new object[]
        {
            new { action = "product.buy", label = "l", client = new { uuid = "u" } },
            new { action = "screen.view", label = "l", client = new { uuid = "u" } },
        }, ("X-Project-Id", project.Id));
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
        Assert.Equal(1, Json(batchText).GetProperty("accepted").GetInt32());
        Assert.Contains("allow list", Json(batchText).GetProperty("rejected")[0].GetProperty("error").GetString());
    }

    [Fact]
    public async Task Regression_ValidateSkipsTheActionLists()
    {
        var project = await ProjectWithListsAsync([], ["secret.action"]);
        using var http = project.Ingest();
        var response = await http.PostAsJsonAsync("/v1/events/validate", new object[]
        {
            new { action = "secret.action", userId = "u" },
            new { action = "fine", userId = "u" },
        });
        var result = Json(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        var rejection = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal((0, "action 'secret.action' is in the project's deny list"),
            (rejection.GetProperty("index").GetInt32(), rejection.GetProperty("error").GetString()));
        // A dry run stores nothing, not even in quarantine.
        Assert.Empty((await project.GetAsync("/v1/rejected?limit=10")).GetProperty("rejected").EnumerateArray());
    }
}
