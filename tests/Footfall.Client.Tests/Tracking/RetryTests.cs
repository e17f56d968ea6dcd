using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Footfall.Client.Tests.Support;

namespace Footfall.Client.Tests.Tracking;

/// <summary>Which answers are retried, without a server: a scripted handler answers instead.</summary>
public sealed class RetryTests
{
    private const string Accepted = """{"accepted": 1, "duplicates": 0, "rejected": []}""";
    private static readonly PersonId Someone = PersonId.User("u-1");

    private static FootfallClient Client(RecordingHandler handler, List<DeliveryFailure>? failures = null) =>
        new(ClientOptions.For("http://127.0.0.1:9", "p-1", change: o => o.OnDeliveryFailure = f => failures?.Add(f)), new HttpClient(handler));

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task Transient_answers_are_retried_with_the_same_body(HttpStatusCode status)
    {
        var handler = new RecordingHandler().Answer(status).Answer(status).Answer(HttpStatusCode.OK, Accepted);
        await using var client = Client(handler);
        client.PageView(Someone, "/");

        await client.FlushAsync();

        Assert.Equal(3, handler.Requests.Count);
        Assert.Single(handler.Requests.Select(r => r.Body).Distinct());
        Assert.Equal(1, client.DeliveredEvents);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task Other_client_errors_are_reported_and_never_retried(HttpStatusCode status)
    {
        var failures = new List<DeliveryFailure>();
        var handler = new RecordingHandler().Answer(status, """{"error": "no such thing"}""");
        await using var client = Client(handler, failures);
        client.PageView(Someone, "/");

        await client.FlushAsync();

        Assert.Single(handler.Requests);
        var failure = Assert.Single(failures);
        Assert.Equal((int)status, failure.StatusCode);
        Assert.Equal("no such thing", failure.Reason);
        Assert.Equal(1, client.FailedEvents);
    }

    [Fact]
    public async Task Retry_After_is_waited_out_before_the_next_try()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(1)).Answer(HttpStatusCode.OK, Accepted);
        await using var client = Client(handler);
        client.PageView(Someone, "/");
        var clock = Stopwatch.StartNew();

        await client.FlushAsync();

        // The client's own backoff is at most 250 ms here, so a second or more can only come from Retry-After.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {clock.Elapsed}");
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task A_batch_too_large_for_the_server_is_split_until_it_fits()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.RequestEntityTooLarge, """{"error": "too large"}""")
            .Answer(HttpStatusCode.OK, """{"accepted": 2, "duplicates": 0, "rejected": []}""")
            .Answer(HttpStatusCode.OK, """{"accepted": 2, "duplicates": 0, "rejected": []}""");
        await using var client = Client(handler);
        for (var i = 0; i < 4; i++) client.PageView(Someone, $"/{i}");

        await client.FlushAsync();

        Assert.Equal([4, 2, 2], handler.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetArrayLength()));
        Assert.Equal(4, client.DeliveredEvents);
    }

    [Fact]
    public async Task Events_are_sent_with_the_project_id_and_native_field_names()
    {
        var handler = new RecordingHandler().Answer(HttpStatusCode.OK, Accepted);
        await using var client = Client(handler);
        var e = new FootfallEvent("product_view", PersonId.Both("g-1", "u-1"))
        {
            SessionId = "s-1",
            SourceId = "r-1",
            Target = new Dictionary<string, string> { ["product"] = "sku-1" },
        };
        client.Track(e);

        await client.FlushAsync();

        var sent = JsonDocument.Parse(handler.Requests[0].Body).RootElement[0];
        Assert.Equal("/v1/events", handler.Requests[0].Path);
        Assert.Equal(e.Id, sent.GetProperty("id").GetString());
        Assert.Equal("g-1", sent.GetProperty("guestId").GetString());
        Assert.Equal("u-1", sent.GetProperty("userId").GetString());
        Assert.Equal("s-1", sent.GetProperty("sessionId").GetString());
        Assert.Equal("r-1", sent.GetProperty("sourceId").GetString());
        Assert.Equal("sku-1", sent.GetProperty("target").GetProperty("product").GetString());
        Assert.EndsWith("Z", sent.GetProperty("time").GetString());
    }
}
