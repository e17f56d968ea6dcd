using System.Text.Json;

namespace Footfall.Tests.Dialects;

/// <summary>The real <c>@contentstack/personalize-edge-sdk</c> against a real server process.</summary>
[Collection(VendorSdkCollection.Name)]
public sealed class PersonalizeSdkTests(VendorSdkServer fixture)
{
    private const string Experience = "hero";
    private const string Metric = "checkout";

    [Fact]
    public async Task The_real_SDK_assigns_tracks_and_merges_and_the_results_count_exactly_what_it_sent()
    {
        var projectId = fixture.Server.DefaultProject().Id;
        await fixture.PutAsync($"/v1/experiences/{Experience}", new
        {
            name = "Hero banner",
            variants = new[] { new { shortUid = "0", weight = 50 }, new { shortUid = "1", weight = 50 } },
            metrics = new[] { Metric },
        });
        await fixture.PutAsync("/v1/experiences/old", new { variants = new[] { new { shortUid = "0", weight = 1 } }, status = "paused" });

        var run = await VendorSdks.RunAsync("personalize.js", fixture.Server.Url, projectId, "12", Experience, Metric);
        var users = run.GetProperty("users").EnumerateArray().ToList();
        Assert.Equal(12, users.Count);
        Assert.Equal(12, users.Select(u => u.GetProperty("uid").GetString()).Distinct().Count());
        foreach (var user in users)
        {
            var variant = user.GetProperty("variant").GetString();
            Assert.Contains(variant, new[] { "0", "1" });
            var experiences = user.GetProperty("experiences").EnumerateArray().ToDictionary(
                e => e.GetProperty("shortUid").GetString()!, e => e.GetProperty("activeVariantShortUid"));
            Assert.Equal(JsonValueKind.Null, experiences["old"].ValueKind);
            Assert.Equal(new[] { $"cs_personalize_{Experience}_{variant}" }, user.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()!).ToArray());
        }

        var results = await fixture.GetAsync($"/v1/experiences/{Experience}/results");
        foreach (var variant in new[] { "0", "1" })
        {
            var shown = users.Where(u => u.GetProperty("variant").GetString() == variant).ToList();
            var converted = shown.Count(u => u.GetProperty("converted").GetBoolean());
            var row = results.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("variant").GetString() == variant);
            Assert.Equal(shown.Count, row.GetProperty("impressions").GetInt64());
            var metric = row.GetProperty("metrics").GetProperty(Metric);
            Assert.Equal(converted, metric.GetProperty("conversions").GetInt64());
            Assert.Equal(converted, metric.GetProperty("convertedUsers").GetInt64());
        }
    }

    [Fact]
    public async Task Assignment_is_sticky_and_a_merge_keeps_the_anonymous_attributes_on_the_signed_in_person()
    {
        var projectId = fixture.Server.DefaultProject().Id;
        await fixture.PutAsync("/v1/experiences/sticky", new
        {
            variants = new[] { new { shortUid = "a", weight = 1 }, new { shortUid = "b", weight = 1 } },
            metrics = new[] { "bought" },
        });
        var run = await VendorSdks.RunAsync("personalize.js", fixture.Server.Url, projectId, "2", "sticky", "bought");
        var signedIn = run.GetProperty("users")[1];
        var uid = signedIn.GetProperty("uid").GetString()!;
        var finalUid = signedIn.GetProperty("finalUid").GetString()!;
        Assert.NotEqual(uid, finalUid);

        // The same uid gets the same variant again, from a fresh request.
        using var http = fixture.Server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/personalize/manifest");
        request.Headers.Add("X-Project-Uid", projectId);
        request.Headers.Add("X-CS-Personalize-User-Uid", uid);
        var response = await http.SendAsync(request);
        Assert.Equal(uid, response.Headers.GetValues("X-CS-Personalize-User-Uid").Single());
        var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(signedIn.GetProperty("variant").GetString(), manifest.GetProperty("activeVariants").GetProperty("sticky").GetString());

        // setUserId(..., {preserveUserAttributes: true}) merged the anonymous uid into the customer's person.
        var person = (await fixture.GetAsync($"/v1/people?userId={Uri.EscapeDataString(finalUid)}")).GetProperty("person");
        var ids = person.GetProperty("identifiers").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToHashSet();
        Assert.Contains(uid, ids);
        Assert.Contains(finalUid, ids);
        Assert.Equal("anonymous-plan", person.GetProperty("attributes").GetProperty("plan").GetString());
        var activity = await fixture.GetAsync($"/v1/people/activity?userId={Uri.EscapeDataString(finalUid)}");
        var actions = activity.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("signed_in", actions);
        Assert.Contains("impression", actions);
    }
}
