using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Http;

public sealed class ExperienceAndPeopleApiTests : IClassFixture<FootfallFactory>
{
    private static readonly DateTime T0 = new(2026, 10, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly FootfallFactory _factory;

    public ExperienceAndPeopleApiTests(FootfallFactory factory) => _factory = factory;

    private static string At(double days) => T0.AddDays(days).ToString("O");

    private static async Task DefineAsync(TestProject project, int attributionDays = 7)
    {
        using var http = project.Reader();
        var response = await http.PutAsJsonAsync("/v1/experiences/exp1", new
        {
            name = "Button", variants = new[] { new { shortUid = "0", weight = 50 }, new { shortUid = "1", weight = 50 } },
            metrics = new[] { "purchase" }, attributionDays,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static JsonElement Variant(JsonElement results, string variant) =>
        results.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("variant").GetString() == variant);

    [Fact]
    public async Task Attribution_counts_only_conversions_within_the_window_after_an_impression()
    {
        var project = await _factory.CreateProjectAsync();
        await DefineAsync(project, attributionDays: 7);
        await project.TrackAsync(
            new { action = "purchase", userId = "before", time = At(-1) },
            new { action = "impression", userId = "before", experience = "exp1", variant = "0", time = At(0) },
            new { action = "impression", userId = "edge", experience = "exp1", variant = "0", time = At(0) },
            new { action = "purchase", userId = "edge", time = At(7) },
            new { action = "impression", userId = "late", experience = "exp1", variant = "0", time = At(0) },
            new { action = "purchase", userId = "late", time = At(8) },
            new { action = "impression", userId = "twice", experience = "exp1", variant = "1", time = At(0) },
            new { action = "impression", userId = "twice", experience = "exp1", variant = "1", time = At(1) },
            new { action = "purchase", userId = "twice", time = At(2) },
            new { action = "purchase", userId = "twice", time = At(3) });
        var results = await project.GetAsync("/v1/experiences/exp1/results");
        var v0 = Variant(results, "0");
        Assert.Equal(3, v0.GetProperty("impressions").GetInt64());
        var p0 = v0.GetProperty("metrics").GetProperty("purchase");
        Assert.Equal(1, p0.GetProperty("conversions").GetInt64()); // only "edge": exactly at the window's edge counts
        Assert.Equal(1, p0.GetProperty("convertedUsers").GetInt64());
        Assert.Equal(1.0 / 3, p0.GetProperty("conversionRate").GetDouble(), 6);
        var v1 = Variant(results, "1");
        Assert.Equal(1, v1.GetProperty("impressions").GetInt64()); // unique per person
        Assert.Equal(2, v1.GetProperty("metrics").GetProperty("purchase").GetProperty("conversions").GetInt64());
        Assert.Equal(1, v1.GetProperty("metrics").GetProperty("purchase").GetProperty("convertedUsers").GetInt64());

        var ranged = await project.GetAsync($"/v1/experiences/exp1/results?from={Uri.EscapeDataString(At(2.5))}&to={Uri.EscapeDataString(At(30))}");
        Assert.Equal(0, Variant(ranged, "1").GetProperty("impressions").GetInt64());
        Assert.Equal(1, Variant(ranged, "1").GetProperty("metrics").GetProperty("purchase").GetProperty("conversions").GetInt64());
    }

    [Fact]
    public async Task A_guest_who_logs_in_after_converting_counts_retroactively()
    {
        var project = await _factory.CreateProjectAsync();
        await DefineAsync(project);
        await project.TrackAsync(
            new { action = "impression", guestId = "g-1", experience = "exp1", variant = "1", time = At(0) },
            new { action = "purchase", userId = "u-1", time = At(1) });
        var before = await project.GetAsync("/v1/experiences/exp1/results");
        Assert.Equal(0, Variant(before, "1").GetProperty("metrics").GetProperty("purchase").GetProperty("conversions").GetInt64());

        using var http = project.Ingest();
        (await http.PostAsJsonAsync("/v1/identify", new { guestId = "g-1", userId = "u-1" })).EnsureSuccessStatusCode();
        var after = await project.GetAsync("/v1/experiences/exp1/results");
        Assert.Equal(1, Variant(after, "1").GetProperty("metrics").GetProperty("purchase").GetProperty("conversions").GetInt64());
        var activity = await project.GetAsync("/v1/people/activity?guestId=g-1");
        Assert.Equal(["purchase", "impression"], activity.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_clear_winner_without_sample_ratio_mismatch_is_named()
    {
        var project = await _factory.CreateProjectAsync();
        await DefineAsync(project);
        var events = new List<object>();
        for (var i = 0; i < 400; i++)
        {
            var variant = i % 2 == 0 ? "0" : "1";
            events.Add(new { action = "impression", userId = $"w{i}", experience = "exp1", variant, time = At(0) });
            if (variant == "1" ? i % 3 != 0 : i % 10 == 0)
                events.Add(new { action = "purchase", userId = $"w{i}", time = At(1) });
        }
        foreach (var chunk in events.Chunk(1000)) await project.TrackAsync(chunk);
        var results = await project.GetAsync("/v1/experiences/exp1/results");
        Assert.Equal("1", results.GetProperty("winner").GetString());
        Assert.False(results.GetProperty("sampleRatioMismatch").GetProperty("detected").GetBoolean());
        Assert.True(Variant(results, "1").GetProperty("metrics").GetProperty("purchase").GetProperty("probabilityToBeBest").GetDouble() >= 0.95);
    }

    [Fact]
    public async Task Sample_ratio_mismatch_blocks_the_winner()
    {
        var project = await _factory.CreateProjectAsync();
        await DefineAsync(project);
        var events = new List<object>();
        for (var i = 0; i < 300; i++)
        {
            var variant = i % 5 == 0 ? "0" : "1"; // 20/80 against 50/50 weights
            events.Add(new { action = "impression", userId = $"s{i}", experience = "exp1", variant, time = At(0) });
            if (variant == "1") events.Add(new { action = "purchase", userId = $"s{i}", time = At(1) });
        }
        await project.TrackAsync(events.ToArray());
        var results = await project.GetAsync("/v1/experiences/exp1/results");
        Assert.True(results.GetProperty("sampleRatioMismatch").GetProperty("detected").GetBoolean());
        Assert.True(results.GetProperty("sampleRatioMismatch").GetProperty("pValue").GetDouble() < 0.001);
        Assert.Equal(JsonValueKind.Null, results.GetProperty("winner").ValueKind);
    }

    [Fact]
    public async Task Experiences_are_listed_and_unknown_ones_are_404()
    {
        var project = await _factory.CreateProjectAsync();
        await DefineAsync(project);
        var list = await project.GetAsync("/v1/experiences");
        Assert.Equal("exp1", list.GetProperty("experiences")[0].GetProperty("shortUid").GetString());
        Assert.Equal("Button", list.GetProperty("experiences")[0].GetProperty("name").GetString());
        using var http = project.Reader();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/experiences/nope/results")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/v1/experiences/exp1/results?from=soon")).StatusCode);
        var bad = await http.PutAsJsonAsync("/v1/experiences/x", new { variants = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("variants", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Export_returns_everything_and_erase_removes_the_person_from_every_read()
    {
        var project = await _factory.CreateProjectAsync();
        await DefineAsync(project);
        await project.TrackAsync(
            new { action = "impression", guestId = "eg", userId = "eu", experience = "exp1", variant = "0", time = At(0) },
            new { action = "purchase", userId = "eu", time = At(1), label = "order 1", @params = new { price = 9.5 } });
        var export = await project.GetAsync("/v1/people/export?guestId=eg");
        Assert.Equal(2, export.GetProperty("events").GetArrayLength());
        Assert.Equal(2, export.GetProperty("identifiers").GetArrayLength());
        Assert.Equal(9.5, export.GetProperty("events")[0].GetProperty("params").GetProperty("price").GetDouble());

        using var http = project.Reader();
        var erase = await http.DeleteAsync("/v1/people?userId=eu");
        Assert.Equal(2, (await erase.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("erasedEvents").GetInt64());
        Assert.Equal(0, (await project.GetAsync("/v1/people/activity?guestId=eg")).GetProperty("events").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/people/export?userId=eu")).StatusCode);
        var results = await project.GetAsync("/v1/experiences/exp1/results");
        Assert.Equal(0, Variant(results, "0").GetProperty("impressions").GetInt64());
    }

    [Fact]
    public async Task Regression_ActivityHasNoWayPastTheNewest1000_NextCursorPagesAndExportHasEverything()
    {
        var project = await _factory.CreateProjectAsync();
        for (var batch = 0; batch < 3; batch++)
            await project.TrackAsync(Enumerable.Range(0, 1000).Select(i => (object)new
            {
                action = "page_view", guestId = "busy", target = new { page = $"p{batch * 1000 + i}" }, time = T0.AddSeconds(batch * 1000 + i).ToString("O"),
            }).ToArray());
        // The subject is paging, not read-your-writes: 3,000 events can take a loaded box past a read's own bounded wait.
        await _factory.WaitAppliedAsync();
        var pages = new List<string>();
        string? next = null;
        do
        {
            var page = await project.GetAsync("/v1/people/activity?guestId=busy&limit=1000" + (next is null ? "" : "&before=" + Uri.EscapeDataString(next)));
            pages.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("target").GetProperty("page").GetString()!));
            next = page.TryGetProperty("next", out var cursor) ? cursor.GetString() : null;
        }
        while (next is not null);
        Assert.Equal(Enumerable.Range(0, 3000).Reverse().Select(i => $"p{i}"), pages);

        var export = await project.GetAsync("/v1/people/export?guestId=busy");
        Assert.Equal(pages, export.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("target").GetProperty("page").GetString()!));
        Assert.Equal(3000, export.GetProperty("eventCount").GetInt64());

        using var reader = project.Reader();
        var bad = await reader.GetAsync("/v1/people/activity?guestId=busy&before=not-a-cursor");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("before", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Identify_and_people_reads_reject_bad_input_with_400()
    {
        var project = await _factory.CreateProjectAsync();
        using var ingest = project.Ingest();
        var response = await ingest.PostAsJsonAsync("/v1/identify", new { guestId = "g" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("userId", await response.Content.ReadAsStringAsync());
        using var reader = project.Reader();
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.GetAsync("/v1/people/activity")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.GetAsync("/v1/people/activity?userId=u&limit=0")).StatusCode);
    }

    [Fact]
    public async Task Action_lists_refuse_events_with_a_reason_naming_the_list()
    {
        var project = await _factory.CreateProjectAsync();
        using var http = project.Reader();
        (await http.PutAsJsonAsync("/v1/settings/actions", new { allow = new[] { "signup", "blocked" }, deny = new[] { "blocked" } })).EnsureSuccessStatusCode();
        var result = await project.TrackAsync(
            new { action = "signup", userId = "a" }, new { action = "blocked", userId = "a" }, new { action = "other", userId = "a" });
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Contains("deny list", result.GetProperty("rejected")[0].GetProperty("error").GetString());
        Assert.Contains("allow list", result.GetProperty("rejected")[1].GetProperty("error").GetString());
    }

    [Fact]
    public async Task Admin_api_needs_the_admin_token()
    {
        using var http = _factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", "not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/v1/admin/projects", new { name = "x" })).StatusCode);
        http.DefaultRequestHeaders.Authorization = new("Bearer", FootfallFactory.AdminToken);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/v1/admin/projects", new { nam = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/v1/admin/projects", new { name = "x" })).StatusCode);
    }
}
