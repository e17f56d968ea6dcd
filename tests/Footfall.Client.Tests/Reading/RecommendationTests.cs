using System.Net;
using Footfall.Client.Tests.Support;

namespace Footfall.Client.Tests.Reading;

/// <summary>
/// The recommendation calls, against CONTRACT §8's shapes answered by a scripted handler (the server may not
/// serve feeds yet); the request line and the parsing are what is under test.
/// </summary>
public sealed class RecommendationTests
{
    private static FootfallReadClient Reader(RecordingHandler handler) =>
        new(new HttpClient(handler), ClientOptions.For("http://127.0.0.1:9/base", "p-1", "secret"));

    [Fact]
    public async Task A_personal_feed_is_asked_for_the_person_and_parsed()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK,
            """{"responseId": "r-1", "items": [{"id": "sku-1", "score": 0.9}, {"id": "sku-2", "score": 0.5}], "model": "itemknn"}""");

        var feed = await Reader(handler).GetRecommendationsAsync(RecommendationFeeds.Personal, PersonId.User("u 1"), limit: 2);

        Assert.Equal("/base/v1/recommendations/personal", handler.Requests[0].Path);
        Assert.Equal("r-1", feed.ResponseId);
        Assert.Equal(["sku-1", "sku-2"], feed.Items.Select(i => i.Id));
        Assert.Equal(0.9, feed.Items[0].Score);
        Assert.Equal("itemknn", feed.Extra!["model"].GetString());
    }

    [Fact]
    public async Task Performance_is_parsed_per_feed()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK,
            """{"feeds": [{"feed": "trending", "responses": 10, "clicks": 4, "addToCarts": 2, "purchases": 1, "revenue": 19.9}]}""");

        var performance = await Reader(handler).GetRecommendationPerformanceAsync(from: DateTimeOffset.UnixEpoch);

        var trending = Assert.Single(performance.Feeds);
        Assert.Equal(("trending", 10, 4, 2, 1, 19.9), (trending.Feed, trending.Responses, trending.Clicks, trending.AddToCarts, trending.Purchases, trending.Revenue));
    }

    [Fact]
    public async Task A_feed_the_server_does_not_know_throws_not_found()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.NotFound, """{"error": "no feed 'nope'"}""");

        var error = await Assert.ThrowsAsync<FootfallApiException>(() => Reader(handler).GetRecommendationsAsync("nope"));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("no feed 'nope'", error.Error);
    }
}
