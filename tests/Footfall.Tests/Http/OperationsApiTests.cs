using System.Net;
using Footfall.Tests.Support;

namespace Footfall.Tests.Http;

public sealed class OperationsApiTests : IClassFixture<FootfallFactory>
{
    private readonly FootfallFactory _factory;

    public OperationsApiTests(FootfallFactory factory) => _factory = factory;

    [Fact]
    public async Task Health_answers_once_the_server_accepts_events()
    {
        using var http = _factory.CreateClient();
        var response = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api_and_the_reference_is_served()
    {
        using var http = _factory.CreateClient();
        var document = await http.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/v1/events", "/v1/identify", "/v1/people/activity", "/v1/experiences/{shortUid}/results", "/v1/rejected",
                     "/v1/settings/actions", "/v1/recommendations/{feed}", "/personalize/manifest", "/collect/{projectId}", "/oneentry/user-activity",
                     "/synerise/v4/events/custom" })
            Assert.Contains($"\"{path}\"", document);
        Assert.Contains("\"IngestResult\"", document);
        Assert.Contains("\"ExperienceResults\"", document);
        // Query records bound with [AsParameters] appear under their wire names, activity's cursor among them.
        using var parsed = System.Text.Json.JsonDocument.Parse(document);
        var activity = parsed.RootElement.GetProperty("paths").GetProperty("/v1/people/activity").GetProperty("get").GetProperty("parameters");
        Assert.Equal(["userId", "guestId", "limit", "before"], activity.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Contains("\"ActivityPage\"", document);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/docs")).StatusCode);
    }

    [Fact]
    public async Task Metrics_count_accepted_and_rejected_events_by_source()
    {
        var project = await _factory.CreateProjectAsync();
        await project.TrackAsync(new { action = "signup", userId = "m1" }, new { action = "bad action", userId = "m1" });
        using var http = _factory.CreateClient();
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Matches("footfall_events_accepted_total\\{[^}]*source=\"native\"[^}]*\\} [1-9]", metrics);
        Assert.Matches("footfall_events_rejected_total\\{[^}]*source=\"native\"[^}]*\\} [1-9]", metrics);
        Assert.Contains("footfall_commit_duration_milliseconds_bucket", metrics);
        Assert.Contains("footfall_queue_events", metrics);
    }

    [Fact]
    public async Task Metrics_time_each_model_refresh()
    {
        var project = await _factory.CreateProjectAsync();
        await project.TrackAsync(new { action = "product_view", userId = "m2", target = new { product = "sku-1" } });
        // The first feed request builds the project's model.
        await project.GetAsync("/v1/recommendations/trending");
        using var http = _factory.CreateClient();
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Matches("footfall_recommendations_refresh_duration_seconds_count\\{[^}]*\\} [1-9]", metrics);
        Assert.Contains("footfall_recommendations_refresh_duration_seconds_bucket{otel_scope_name=\"Footfall\",le=\"0.1\"}", metrics);
    }

    [Fact]
    public async Task The_dashboard_and_the_browser_sdk_are_served()
    {
        using var http = _factory.CreateClient();
        var index = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Contains("<div id=\"app\"", await index.Content.ReadAsStringAsync());
        var sdk = await http.GetStringAsync("/sdk/footfall.min.js");
        Assert.Contains("footfall", sdk);
        Assert.True(sdk.Length < 20_000, $"the SDK is {sdk.Length} bytes minified");
    }
}
