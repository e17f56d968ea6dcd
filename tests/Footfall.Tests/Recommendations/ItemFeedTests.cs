using static Footfall.Tests.Recommendations.Recs;

namespace Footfall.Tests.Recommendations;

public sealed class ItemFeedTests(RecsFixture fixture) : IClassFixture<RecsFixture>
{
    [Fact]
    public async Task Trending_counts_people_not_hits_so_one_bot_cannot_make_a_trend()
    {
        var project = await fixture.Factory.CreateProjectAsync();
        var events = Enumerable.Range(0, 200).Select(_ => View("bot", "botted", Hours(1))).ToList();
        events.AddRange(Enumerable.Range(0, 3).Select(i => View($"p{i}", "liked", Hours(1))));
        await project.TrackAsync(events.ToArray());
        await fixture.RefreshAsync(project);

        Assert.Equal(["liked", "botted"], Ids(await project.GetAsync("/v1/recommendations/trending")));
    }

    [Fact]
    public async Task Trending_decays_with_age_weighs_carts_over_views_ignores_the_outside_of_the_window_and_filters_by_category()
    {
        var project = await fixture.Factory.CreateProjectAsync();
        await project.TrackAsync(
            // Same two people each: fresh beats old.
            View("p1", "old", Hours(20), category: "tea"), View("p2", "old", Hours(20)),
            View("p1", "fresh", Hours(1), category: "coffee"), View("p2", "fresh", Hours(1)),
            // One person's cart outweighs one person's view of the same age.
            Cart("p3", "carted", Hours(2)), View("p4", "viewed", Hours(2)),
            View("p5", "ancient", Hours(30)), View("p6", "ancient", Hours(30)), View("p7", "ancient", Hours(30)));
        await fixture.RefreshAsync(project);

        var ids = Ids(await project.GetAsync("/v1/recommendations/trending?hours=24"));
        // Half-life 6 h: carted 3 x 0.79 > fresh 2 x 0.89 > viewed 1 x 0.79 > old 2 x 0.099 (one person now beats two a day ago).
        Assert.Equal(["carted", "fresh", "viewed", "old"], ids);
        Assert.Contains("ancient", Ids(await project.GetAsync("/v1/recommendations/trending?hours=48")));
        Assert.Equal(["old"], Ids(await project.GetAsync("/v1/recommendations/trending?category=tea")));
    }

    [Fact]
    public async Task Also_viewed_is_normalised_so_a_bestseller_does_not_crowd_out_the_real_companion()
    {
        var project = await fixture.Factory.CreateProjectAsync();
        var events = new List<object>();
        // a and b go together in 3 visits; the bestseller is in those 3 and in 30 more with anything.
        for (var i = 0; i < 3; i++)
        {
            events.Add(View($"u{i}", "a", Hours(5), session: $"ab{i}"));
            events.Add(View($"u{i}", "b", Hours(5), session: $"ab{i}"));
            events.Add(View($"u{i}", "best", Hours(5), session: $"ab{i}"));
        }
        for (var i = 0; i < 30; i++)
        {
            events.Add(View($"x{i}", "best", Hours(5), session: $"x{i}"));
            events.Add(View($"x{i}", $"misc{i}", Hours(5), session: $"x{i}"));
        }
        await project.TrackAsync(events.ToArray());
        await fixture.RefreshAsync(project);

        var response = await project.GetAsync("/v1/recommendations/also-viewed?item=a");
        Assert.Equal(["b", "best"], Ids(response));
        var scores = response.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(1.0, scores[0], 3);
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=unknown")));
    }
}
