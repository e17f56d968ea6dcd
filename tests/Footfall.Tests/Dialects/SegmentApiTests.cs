using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Footfall.Tests.Support;
using static Footfall.Tests.Dialects.DialectHttp;

namespace Footfall.Tests.Dialects;

/// <summary>The Segment dialect through <see cref="FootfallFactory"/>: write keys, bodies, limits, time and the action map.</summary>
public sealed class SegmentApiTests(FootfallFactory factory) : IClassFixture<FootfallFactory>
{
    private static (string, string) Basic(string writeKey) => ("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));

    private static async Task<(HttpResponseMessage Response, string Body)> PostBytesAsync(HttpClient http, string path, byte[] body, string? encoding, params (string, string)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        if (encoding is not null) request.Content.Headers.ContentEncoding.Add(encoding);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        var response = await http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
            gzip.Write(Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }

    [Fact]
    public async Task The_write_key_comes_from_basic_auth_the_header_or_the_body()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var message = new { anonymousId = "seg-keys", @event = "Key Test" };
        await Expect(HttpStatusCode.OK, SendAsync(http, HttpMethod.Post, "/segment/v1/track", message, Basic(project.Id)));
        await Expect(HttpStatusCode.OK, SendAsync(http, HttpMethod.Post, "/segment/v1/t", message, ("X-Write-Key", project.Id)));
        await Expect(HttpStatusCode.OK, SendAsync(http, HttpMethod.Post, "/segment/v1/t", new { writeKey = project.Id, anonymousId = "seg-keys", @event = "Key Test" }));
        Assert.Contains("writeKey", (await Expect(HttpStatusCode.BadRequest, SendAsync(http, HttpMethod.Post, "/segment/v1/track", message))));
        await Expect(HttpStatusCode.NotFound, SendAsync(http, HttpMethod.Post, "/segment/v1/track", message, Basic("p_unknown")));
        Assert.Equal(3, (await project.GetAsync("/v1/people/activity?guestId=seg-keys")).GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Gzip_and_text_plain_bodies_are_read_and_a_zip_bomb_gets_413()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var batch = """{"batch":[{"type":"track","anonymousId":"seg-gzip","event":"Zipped","messageId":"m-gzip-1"}]}""";
        var (zipped, zippedBody) = await PostBytesAsync(http, "/segment/v1/batch", Gzip(batch), "gzip", Basic(project.Id));
        Assert.True(zipped.StatusCode == HttpStatusCode.OK, zippedBody);
        Assert.Equal(1, Json(zippedBody).GetProperty("accepted").GetInt32());
        // Browsers send text/plain to avoid a CORS preflight.
        var (plain, plainBody) = await SendAsync(http, HttpMethod.Post, "/segment/v1/p",
            $$$"""{"writeKey":"{{{project.Id}}}","type":"page","anonymousId":"seg-gzip","properties":{"url":"https://shop/x"}}""");
        Assert.True(plain.StatusCode == HttpStatusCode.OK, plainBody);

        // 64 MB of zeros inflates from ~64 KB: reading stops at the limit.
        var bomb = Gzip("{\"batch\":[\"" + new string('0', 64 * 1024 * 1024) + "\"]}");
        var (bombed, bombBody) = await PostBytesAsync(http, "/segment/v1/batch", bomb, "gzip", Basic(project.Id));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bombed.StatusCode);
        Assert.Contains("limit", bombBody);
        var (bad, badBody) = await PostBytesAsync(http, "/segment/v1/batch", Encoding.UTF8.GetBytes(batch), "gzip", Basic(project.Id));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("gzip", badBody);
        Assert.Equal(2, (await project.GetAsync("/v1/people/activity?guestId=seg-gzip")).GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Segment_limits_answer_400_naming_the_problem()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var big = new string('x', 33 * 1024);
        Assert.Contains("32768", await Expect(HttpStatusCode.BadRequest, SendAsync(http, HttpMethod.Post, "/segment/v1/track",
            new { anonymousId = "seg-limits", @event = "Big", properties = new { big } }, Basic(project.Id))));
        Assert.Contains("batch[1]", await Expect(HttpStatusCode.BadRequest, SendAsync(http, HttpMethod.Post, "/segment/v1/batch",
            new { batch = new object[] { new { type = "track", anonymousId = "seg-limits", @event = "Small" }, new { type = "track", anonymousId = "seg-limits", @event = "Big", properties = new { big } } } },
            Basic(project.Id))));
        var many = Enumerable.Range(0, 20).Select(i => new { type = "track", anonymousId = "seg-limits", @event = "Part", properties = new { text = new string('y', 30 * 1024) } });
        Assert.Contains("512000", await Expect(HttpStatusCode.BadRequest, SendAsync(http, HttpMethod.Post, "/segment/v1/batch", new { batch = many }, Basic(project.Id))));
        Assert.Equal(0, (await project.GetAsync("/v1/people/activity?guestId=seg-limits")).GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Time_is_the_timestamp_else_the_original_time_corrected_for_the_device_clock()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var before = DateTime.UtcNow;
        // The device clock is 1 hour behind: sentAt and originalTimestamp are both an hour early; the event happened 10 s before it was sent.
        var sentAt = before.AddHours(-1);
        await Expect(HttpStatusCode.OK, SendAsync(http, HttpMethod.Post, "/segment/v1/batch", new
        {
            sentAt = sentAt.ToString("O"),
            batch = new object[]
            {
                new { type = "track", anonymousId = "seg-time", @event = "Skewed", messageId = "t1", originalTimestamp = sentAt.AddSeconds(-10).ToString("O") },
                new { type = "track", anonymousId = "seg-time", @event = "Stamped", messageId = "t2", timestamp = "2024-01-02T03:04:05Z", originalTimestamp = sentAt.ToString("O") },
            },
        }, Basic(project.Id)));
        var after = DateTime.UtcNow;
        var events = (await project.GetAsync("/v1/people/activity?guestId=seg-time")).GetProperty("events").EnumerateArray()
            .ToDictionary(e => e.GetProperty("params").GetProperty("event").GetString()!, e => e.GetProperty("time").GetDateTime().ToUniversalTime());
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), events["Stamped"]);
        Assert.InRange(events["Skewed"], before.AddSeconds(-11), after.AddSeconds(-9));
    }

    [Fact]
    public async Task Regression_rudder_stamps_each_message_sentAt_and_must_not_put_a_purchase_before_its_impression()
    {
        // RudderStack's node client sets every message's sentAt one by one as it builds the batch (and the batch's too):
        // when that loop crossed a millisecond, a purchase enqueued in the same millisecond as its impression was
        // stored a millisecond before it and was not counted (CI of stop 42). The batch's sentAt corrects both alike.
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var sentAt = DateTime.UtcNow.AddHours(-1);
        var happened = sentAt.AddMilliseconds(-5).ToString("O");
        await Expect(HttpStatusCode.OK, SendAsync(http, HttpMethod.Post, "/segment/v1/batch", new
        {
            sentAt = sentAt.AddMilliseconds(1).ToString("O"),
            batch = new object[]
            {
                new { type = "track", anonymousId = "seg-order", @event = "Saw", messageId = "o1", originalTimestamp = happened, sentAt = sentAt.ToString("O") },
                new { type = "track", anonymousId = "seg-order", @event = "Bought", messageId = "o2", originalTimestamp = happened, sentAt = sentAt.AddMilliseconds(1).ToString("O") },
            },
        }, Basic(project.Id)));
        var events = (await project.GetAsync("/v1/people/activity?guestId=seg-order")).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(2, events.Count);
        Assert.Single(events.Select(e => e.GetProperty("time").GetDateTime()).Distinct());
    }

    [Fact]
    public async Task The_ecommerce_spec_maps_onto_built_in_actions_and_any_other_name_is_kept()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        object Track(string name, object? properties = null) => new { type = "track", anonymousId = "seg-map", @event = name, properties };
        var (response, body) = await SendAsync(http, HttpMethod.Post, "/segment/v1/batch", new
        {
            batch = new[]
            {
                Track("Product Added", new { product_id = "p1", price = 3, quantity = 2 }),
                Track("Product Removed from Wishlist", new { sku = "p2" }),
                Track("Products Searched", new { query = "red shoes" }),
                Track("Product List Viewed", new { category = "shoes" }),
                Track("Order Completed", new { order_id = "o-empty" }),
                Track("Signed Up!  (beta)"),
                Track("注文"),
                new { type = "screen", anonymousId = "seg-map", name = "Cart" } as object,
                new { type = "group", anonymousId = "seg-map", groupId = "acme", traits = new { plan = "team" } },
            },
        }, Basic(project.Id));
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.True(Json(body).GetProperty("success").GetBoolean());
        Assert.Equal(0, Json(body).GetProperty("rejected").GetArrayLength());
        var events = (await project.GetAsync("/v1/people/activity?guestId=seg-map&limit=50")).GetProperty("events").EnumerateArray().ToList();
        JsonElement Of(string action) => events.Single(e => e.GetProperty("action").GetString() == action);
        Assert.Equal("p1", Of("product_add_to_cart").GetProperty("target").GetProperty("product").GetString());
        Assert.Equal("p2", Of("product_remove_from_wishlist").GetProperty("target").GetProperty("product").GetString());
        Assert.Equal("red shoes", Of("search").GetProperty("target").GetProperty("query").GetString());
        Assert.Equal("shoes", Of("category_view").GetProperty("target").GetProperty("category").GetString());
        Assert.Equal("o-empty", Of("segment.order_completed").GetProperty("params").GetProperty("order_id").GetString());
        Assert.Equal("Signed Up!  (beta)", Of("segment.signed_up_beta").GetProperty("params").GetProperty("event").GetString());
        Assert.Equal("注文", Of("segment.event").GetProperty("params").GetProperty("event").GetString());
        Assert.Equal("Cart", Of("screen").GetProperty("params").GetProperty("name").GetString());
        Assert.Equal("acme", Of("group").GetProperty("target").GetProperty("group").GetString());
    }

    [Fact]
    public async Task A_message_id_is_stored_once_and_a_bad_message_is_kept_aside_beside_good_ones()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var batch = new
        {
            batch = new object[]
            {
                new { type = "track", anonymousId = "seg-once", @event = "Once", messageId = "m-once" },
                new { type = "track", @event = "Nobody" },
                new { type = "teleport", anonymousId = "seg-once" },
            },
        };
        var first = Json(await Expect(HttpStatusCode.OK, SendAsync(http, HttpMethod.Post, "/segment/v1/import", batch, Basic(project.Id))));
        var again = Json(await Expect(HttpStatusCode.OK, SendAsync(http, HttpMethod.Post, "/segment/v1/b", batch, Basic(project.Id))));
        Assert.Equal(1, first.GetProperty("accepted").GetInt32());
        Assert.Equal(1, again.GetProperty("duplicates").GetInt32());
        var errors = first.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("error").GetString()).ToArray();
        Assert.Contains("userId or anonymousId", errors[0]);
        Assert.Contains("teleport", errors[1]);
        Assert.Equal(4, (await project.GetAsync("/v1/rejected?limit=10")).GetProperty("rejected").GetArrayLength());
    }

    [Fact]
    public async Task Settings_tell_analytics_js_to_send_to_this_server()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var settings = Json(await Expect(HttpStatusCode.OK, SendAsync(http, HttpMethod.Get, $"/segment/v1/projects/{project.Id}/settings", null)));
        var segmentIo = settings.GetProperty("integrations").GetProperty("Segment.io");
        Assert.Equal(project.Id, segmentIo.GetProperty("apiKey").GetString());
        Assert.Equal($"{http.BaseAddress!.Authority}/segment/v1", segmentIo.GetProperty("apiHost").GetString());
        Assert.Equal("http", segmentIo.GetProperty("protocol").GetString());
        Assert.Equal(0, settings.GetProperty("metrics").GetProperty("sampleRate").GetDouble());
        await Expect(HttpStatusCode.NotFound, SendAsync(http, HttpMethod.Get, "/segment/v1/projects/p_unknown/settings", null));
    }

    private static async Task<string> Expect(HttpStatusCode status, Task<(HttpResponseMessage Response, string Body)> send)
    {
        var (response, body) = await send;
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return body;
    }
}

/// <summary>Admission: a Segment client is told to back off with 429 and Retry-After, which it honours.</summary>
public sealed class SegmentAdmissionTests : IClassFixture<SegmentAdmissionTests.SmallQueue>
{
    private readonly FootfallFactory _factory;

    /// <summary>A server whose commit queue holds one full batch.</summary>
    public sealed class SmallQueue : IDisposable
    {
        /// <summary>The server.</summary>
        public FootfallFactory Factory { get; } = new();

        /// <summary>Sets the queue size before the server starts.</summary>
        public SmallQueue() => Factory.Settings["Ingest:MaxQueuedEvents"] = "1000";

        /// <inheritdoc />
        public void Dispose() => Factory.Dispose();
    }

    /// <summary>Takes the shared server.</summary>
    public SegmentAdmissionTests(SmallQueue fixture) => _factory = fixture.Factory;

    [Fact]
    public async Task An_order_larger_than_the_queue_gets_429_with_retry_after()
    {
        var project = await _factory.CreateProjectAsync();
        using var http = _factory.CreateClient();
        var products = Enumerable.Range(0, 1001).Select(i => new { product_id = $"p{i}" });
        var (response, body) = await SendAsync(http, HttpMethod.Post, "/segment/v1/track",
            new { anonymousId = "seg-busy", @event = "Order Completed", properties = new { products } },
            ("X-Write-Key", project.Id));
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, body);
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
    }
}
