using System.Net.Http.Json;
using Footfall.Recommendations;
using Microsoft.Extensions.DependencyInjection;
using static Footfall.Tests.Recommendations.Recs;

namespace Footfall.Tests.Recommendations;

public sealed class AttributionAndErasureTests(RecsFixture fixture) : IClassFixture<RecsFixture>
{
    [Fact]
    public async Task Events_carrying_a_responseId_as_sourceId_are_credited_to_its_feed()
    {
        var project = await fixture.Factory.CreateProjectAsync();
        await project.TrackAsync(View("p1", "hot", Hours(3)), View("p2", "hot", Hours(3)), View("p2", "warm", Hours(3)));
        await fixture.RefreshAsync(project);
        var served = await project.GetAsync("/v1/recommendations/trending");
        var responseId = served.GetProperty("responseId").GetString()!;
        Assert.Equal(["hot", "warm"], Ids(served));
        await project.GetAsync("/v1/recommendations/trending");
        await project.GetAsync("/v1/recommendations/recently-viewed?guestId=p1");

        await project.TrackAsync(
            View("shopper", "hot", TimeSpan.Zero, sourceId: responseId),
            // A view of something the response did not show is not a click on it.
            View("shopper", "elsewhere", TimeSpan.Zero, sourceId: responseId),
            Cart("shopper", "hot", TimeSpan.Zero, sourceId: responseId),
            Buy("shopper", "hot", TimeSpan.Zero, price: 12.5, quantity: 2, sourceId: responseId),
            // Crownpeak-style: an XO activity with its response id as sourceId, sent through the native API.
            new { action = "product_view", userId = "xo-customer", target = new { product = "warm" }, sourceId = responseId,
                  @params = new { locale = "en-GB", channel = "crownpeak" } },
            // An unknown response id is nobody's.
            View("shopper", "hot", TimeSpan.Zero, sourceId: "r_unknown"));

        var report = await project.GetAsync($"/v1/recommendations/performance?from={Uri.EscapeDataString(Ago(Days(1)))}");
        var feeds = report.GetProperty("feeds").EnumerateArray().ToDictionary(f => f.GetProperty("feed").GetString()!);
        var trending = feeds["trending"];
        Assert.Equal(2, trending.GetProperty("responses").GetInt64());
        Assert.Equal(2, trending.GetProperty("clicks").GetInt64());
        Assert.Equal(1, trending.GetProperty("addToCarts").GetInt64());
        Assert.Equal(1, trending.GetProperty("purchases").GetInt64());
        Assert.Equal(25.0, trending.GetProperty("revenue").GetDouble(), 6);
        Assert.Equal(1.0, trending.GetProperty("clickThroughRate").GetDouble(), 6);
        Assert.Equal(1, feeds["recently-viewed"].GetProperty("responses").GetInt64());
        Assert.Equal(0, feeds["recently-viewed"].GetProperty("clicks").GetInt64());
        Assert.Equal(0, feeds["personal"].GetProperty("responses").GetInt64());
    }

    [Fact]
    public async Task Regression_CrownpeakClickWithSourceId_CountsAsAClick()
    {
        var project = await fixture.Factory.CreateProjectAsync();
        await project.TrackAsync(View("p1", "hot", Hours(3)), View("p2", "hot", Hours(3)), View("p2", "warm", Hours(3)));
        await fixture.RefreshAsync(project);
        var responseId = (await project.GetAsync("/v1/recommendations/trending")).GetProperty("responseId").GetString()!;

        // Exactly what @attraqt/activity sends for a click on a recommended product.
        object Click(string product, string? sourceId) => new
        {
            action = "click", target = new { product }, sourceId,
            user = new { identities = new { sessionId = "xo-session" }, segments = Array.Empty<string>(), traits = new { } },
        };
        using var http = project.Factory.CreateClient();
        var response = await http.PostAsJsonAsync($"/collect/{project.Id}",
            new[] { Click("warm", responseId), Click("not-shown", responseId), Click("hot", null) });
        response.EnsureSuccessStatusCode();

        var report = await project.GetAsync($"/v1/recommendations/performance?from={Uri.EscapeDataString(Ago(Days(1)))}");
        var trending = report.GetProperty("feeds").EnumerateArray().Single(f => f.GetProperty("feed").GetString() == "trending");
        Assert.Equal(1, trending.GetProperty("clicks").GetInt64());
    }

    [Fact]
    public async Task Erasing_a_person_removes_them_from_every_model()
    {
        var project = await fixture.Factory.CreateProjectAsync();
        await project.TrackAsync(
            // Only the person to erase ever touched "secret", together with "common" in one visit, and bought "pantry" twice.
            View("erase-me", "secret", Hours(2), session: "s1"), View("erase-me", "common", Hours(2), session: "s1"),
            Buy("erase-me", "pantry", Days(20)), Buy("erase-me", "pantry", Days(10)),
            View("stays", "common", Hours(1), session: "s2"), View("stays", "other", Hours(1), session: "s2"),
            Buy("stays", "pantry", Days(30)), Buy("stays", "pantry", Days(20)), Buy("stays", "pantry", Days(10)),
            new { action = "login", userId = "erased-user", guestId = "erase-me" });
        await fixture.RefreshAsync(project);
        Assert.Equal(["common", "secret"], Ids(await project.GetAsync("/v1/recommendations/recently-viewed?userId=erased-user")));
        Assert.Contains("secret", Ids(await project.GetAsync("/v1/recommendations/trending")));
        Assert.Contains("secret", Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=common")));
        Assert.Equal(["pantry"], Ids(await project.GetAsync("/v1/recommendations/repeat-purchase?userId=erased-user")));

        using var http = project.Reader();
        (await http.DeleteAsync("/v1/people?guestId=erase-me")).EnsureSuccessStatusCode();

        // No explicit refresh: erasure itself must have taken them out of the models, at once (what they touched hidden)
        // and, behind its answer, recounted.
        Assert.DoesNotContain("secret", Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=common")));
        Assert.DoesNotContain("secret", Ids(await project.GetAsync("/v1/recommendations/trending")));
        await fixture.Factory.Services.GetRequiredService<RecommendationModels>().RecountedAsync(project.Id);
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/recently-viewed?userId=erased-user")));
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/repeat-purchase?userId=erased-user")));
        Assert.DoesNotContain("secret", Ids(await project.GetAsync("/v1/recommendations/trending")));
        Assert.Equal(["other"], Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=common")));
        var personal = await project.GetAsync("/v1/recommendations/personal?userId=erased-user");
        Assert.Equal("trending", personal.GetProperty("fallback").GetString());
        Assert.DoesNotContain("secret", Ids(personal));
    }
}
