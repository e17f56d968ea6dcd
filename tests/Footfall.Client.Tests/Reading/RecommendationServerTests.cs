using Footfall.Client.Tests.Support;

namespace Footfall.Client.Tests.Reading;

/// <summary>The recommendation calls against a real server: a feed read, and a click attributed through its responseId.</summary>
[Collection(ServerCollection.Name)]
public sealed class RecommendationServerTests(ServerFixture server)
{
    [Fact]
    public async Task Recently_viewed_comes_back_and_a_click_on_it_is_attributed_to_the_feed()
    {
        var person = PersonId.User("rv-" + Guid.NewGuid().ToString("N"));
        var reader = server.Reader();
        await using var client = new FootfallClient(server.Options());
        client.ProductView(person, "sku-a");
        client.ProductView(person, "sku-b");
        await client.FlushAsync();

        // Feeds come from models the server refreshes in the background: wait (with a deadline) for this person's views.
        Recommendations feed;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            feed = await reader.GetRecommendationsAsync(RecommendationFeeds.RecentlyViewed, person, limit: 5);
            if (feed.Items.Count == 2 || DateTime.UtcNow > deadline) break;
            await Task.Delay(250);
        } while (true);
        Assert.Equal(["sku-b", "sku-a"], feed.Items.Select(i => i.Id));
        Assert.False(string.IsNullOrEmpty(feed.ResponseId));
        Assert.Equal(RecommendationFeeds.RecentlyViewed, feed.Feed);

        var before = await reader.GetRecommendationPerformanceAsync();
        client.Track(new FootfallEvent("product_view", person) { Target = new Dictionary<string, string> { ["product"] = "sku-a" }, SourceId = feed.ResponseId });
        await client.FlushAsync();
        var after = await reader.GetRecommendationPerformanceAsync();
        var clicks = (RecommendationPerformance p) => p.Feeds.Single(f => f.Feed == RecommendationFeeds.RecentlyViewed).Clicks;
        Assert.Equal(clicks(before) + 1, clicks(after));
        Assert.True(after.From < after.To && after.To <= DateTimeOffset.UtcNow.AddMinutes(1), $"{after.From} - {after.To}");
    }
}
