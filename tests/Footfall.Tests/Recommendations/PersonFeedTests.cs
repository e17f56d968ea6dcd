using System.Net;
using static Footfall.Tests.Recommendations.Recs;

namespace Footfall.Tests.Recommendations;

public sealed class PersonFeedTests(RecsFixture fixture) : IClassFixture<RecsFixture>
{
    [Fact]
    public async Task Recently_viewed_is_distinct_newest_first_and_follows_identity_links()
    {
        var project = await fixture.Factory.CreateProjectAsync();
        await project.TrackAsync(
            View("g1", "a", Hours(5)), View("g1", "b", Hours(4)), View("g1", "a", Hours(3)), Cart("g1", "c", Hours(2)),
            View("g1", "d", Hours(1)), View("other", "z", Hours(1)),
            // Logging in links the guest to the user; the request below names only the user.
            new { action = "login", userId = "alice", guestId = "g1", time = Ago(Hours(0.5)) });
        await fixture.RefreshAsync(project);

        var response = await project.GetAsync("/v1/recommendations/recently-viewed?userId=alice");
        Assert.Equal(["d", "a", "b"], Ids(response));
        Assert.StartsWith("r_", response.GetProperty("responseId").GetString());
        Assert.Equal("recently-viewed", response.GetProperty("feed").GetString());
        Assert.Equal(["d", "a"], Ids(await project.GetAsync("/v1/recommendations/recently-viewed?guestId=g1&limit=2")));
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/recently-viewed?guestId=nobody")));
    }

    [Fact]
    public async Task Repeat_purchase_offers_what_is_due_by_everyones_interval_and_not_what_is_not()
    {
        var project = await fixture.Factory.CreateProjectAsync();
        await project.TrackAsync(
            // Others teach the intervals: coffee every ~10 days (three gaps), tea every ~30 days (two gaps).
            Buy("o1", "coffee", Days(45)), Buy("o1", "coffee", Days(35)), Buy("o2", "coffee", Days(30)), Buy("o2", "coffee", Days(21)),
            Buy("o2", "coffee", Days(10)),
            Buy("o3", "tea", Days(80)), Buy("o3", "tea", Days(50)), Buy("o4", "tea", Days(70)), Buy("o4", "tea", Days(40)),
            // The person: coffee 10 days ago (due), tea 5 days ago (not due for 3 weeks), a kettle (never rebought by anyone).
            Buy("me", "coffee", Days(10)), Buy("me", "tea", Days(5)), Buy("me", "kettle", Days(10)),
            // Coffee bought 60 days ago by someone else is over 3 intervals late: they stopped.
            Buy("lapsed", "coffee", Days(60)));
        await fixture.RefreshAsync(project);

        Assert.Equal(["coffee"], Ids(await project.GetAsync("/v1/recommendations/repeat-purchase?guestId=me")));
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/repeat-purchase?guestId=lapsed")));
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/repeat-purchase?guestId=nobody")));
    }

    [Fact]
    public async Task Personal_follows_the_persons_interest_through_the_item_model_and_leaves_out_purchases_and_exclusions()
    {
        var project = await fixture.Factory.CreateProjectAsync();
        var events = new List<object>();
        // Visits teach: a goes with b and c; x goes with y.
        for (var i = 0; i < 4; i++)
        {
            events.Add(View($"v{i}", "a", Hours(10), session: $"s{i}"));
            events.Add(View($"v{i}", "b", Hours(10), session: $"s{i}"));
            events.Add(View($"v{i}", "c", Hours(10), session: $"s{i}"));
            events.Add(View($"w{i}", "x", Hours(10), session: $"t{i}"));
            events.Add(View($"w{i}", "y", Hours(10), session: $"t{i}"));
        }
        events.Add(View("me", "a", Hours(2), session: "mine"));
        events.Add(Buy("me", "c", Hours(1)));
        await project.TrackAsync(events.ToArray());
        await fixture.RefreshAsync(project);

        var personal = await project.GetAsync("/v1/recommendations/personal?guestId=me&limit=1");
        Assert.Equal(["b"], Ids(personal));
        Assert.False(personal.TryGetProperty("fallback", out _));
        // c was bought, b is excluded: what is left is not from a's neighbours, so trending fills in, never c.
        var excluded = Ids(await project.GetAsync("/v1/recommendations/personal?guestId=me&exclude=b&limit=5"));
        Assert.DoesNotContain("b", excluded);
        Assert.DoesNotContain("c", excluded);
    }

    [Fact]
    public async Task Personal_for_a_stranger_falls_back_to_trending_and_says_so()
    {
        var project = await fixture.Factory.CreateProjectAsync();
        await project.TrackAsync(View("p1", "hot", Hours(1)), View("p2", "hot", Hours(1)), View("p3", "warm", Hours(1)));
        await fixture.RefreshAsync(project);

        var response = await project.GetAsync("/v1/recommendations/personal?userId=new-visitor");
        Assert.Equal("trending", response.GetProperty("fallback").GetString());
        Assert.Equal(["hot", "warm"], Ids(response));
    }

    [Fact]
    public async Task Bad_requests_name_the_problem()
    {
        var project = await fixture.Factory.CreateProjectAsync();
        using var http = project.Reader();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/recommendations/bestsellers")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/v1/recommendations/personal")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/v1/recommendations/also-viewed")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/v1/recommendations/trending?hours=100000")).StatusCode);
        using var anonymous = fixture.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/recommendations/trending")).StatusCode);
    }
}
