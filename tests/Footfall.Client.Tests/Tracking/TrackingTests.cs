using System.Text.Json;
using Footfall.Client.Tests.Support;

namespace Footfall.Client.Tests.Tracking;

/// <summary>Tracking through a real server process and reading back through the read API.</summary>
[Collection(ServerCollection.Name)]
public sealed class TrackingTests(ServerFixture server)
{
    private static PersonId NewGuest() => PersonId.Guest("g-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Every_built_in_helper_arrives_with_the_fields_its_action_requires()
    {
        var who = NewGuest();
        await using var client = new FootfallClient(server.Options());
        Assert.True(client.ProductView(who, "sku-1"));
        Assert.True(client.AddToCart(who, "sku-1", quantity: 2));
        Assert.True(client.RemoveFromCart(who, "sku-1"));
        Assert.True(client.AddToWishlist(who, "sku-2"));
        Assert.True(client.RemoveFromWishlist(who, "sku-2"));
        Assert.True(client.Purchase(who, "sku-1", price: 19.90m, quantity: 3));
        Assert.True(client.Rating(who, "sku-1", 4.5));
        Assert.True(client.PageView(who, "/about"));
        Assert.True(client.CategoryView(who, "shoes"));
        Assert.True(client.Search(who, "red shoes", results: 12));
        Assert.True(client.Impression(who, "hero", "1"));
        Assert.True(client.Track("newsletter_signup", who, new Dictionary<string, object?> { ["list"] = "weekly" }, "footer form"));

        await client.FlushAsync();

        Assert.Equal(12, client.DeliveredEvents);
        Assert.Equal(0, client.FailedEvents);
        Assert.Equal(0, client.QueuedEvents);
        var events = await server.Reader().GetActivityAsync(who, limit: 100);
        Assert.Equal(
            ["category_view", "impression", "newsletter_signup", "page_view", "product_add_to_cart", "product_add_to_wishlist", "product_purchase",
             "product_rating", "product_remove_from_cart", "product_remove_from_wishlist", "product_view", "search"],
            events.Select(e => e.Action).Order(StringComparer.Ordinal));
        var purchase = events.Single(e => e.Action == "product_purchase");
        Assert.Equal("sku-1", purchase.Target!["product"]);
        Assert.Equal(19.90m, purchase.Params!.Value.GetProperty("price").GetDecimal());
        Assert.Equal(3, purchase.Params!.Value.GetProperty("quantity").GetInt32());
        Assert.Equal(4.5, events.Single(e => e.Action == "product_rating").Params!.Value.GetProperty("rating").GetDouble());
        Assert.Equal("red shoes", events.Single(e => e.Action == "search").Target!["query"]);
        Assert.Equal("footer form", events.Single(e => e.Action == "newsletter_signup").Label);
    }

    [Fact]
    public async Task An_event_keeps_the_time_it_was_created_at()
    {
        var who = NewGuest();
        var then = new DateTimeOffset(2024, 5, 1, 12, 30, 0, TimeSpan.FromHours(2));
        await using var client = new FootfallClient(server.Options());
        client.Track(new FootfallEvent("page_view", who) { Time = then, Target = new Dictionary<string, string> { ["page"] = "/" } });
        await client.FlushAsync();

        var e = Assert.Single(await server.Reader().GetActivityAsync(who));
        Assert.Equal(then.UtcDateTime, e.Time.UtcDateTime);
    }

    [Fact]
    public async Task Events_go_in_batches_of_BatchSize()
    {
        var who = NewGuest();
        var handler = new RecordingHandler();
        await using var client = new FootfallClient(server.Options(o => { o.BatchSize = 10; o.FlushInterval = TimeSpan.FromHours(1); }), new HttpClient(handler));
        for (var i = 0; i < 25; i++)
            client.PageView(who, $"/p/{i}");

        await client.FlushAsync();

        Assert.Equal([10, 10, 5], handler.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetArrayLength()));
        Assert.Equal(25, (await server.Reader().GetActivityAsync(who, 100)).Count);
    }

    [Fact]
    public async Task A_full_batch_is_sent_without_waiting_for_the_interval_or_a_flush()
    {
        var who = NewGuest();
        var handler = new RecordingHandler();
        await using var client = new FootfallClient(server.Options(o => { o.BatchSize = 5; o.FlushInterval = TimeSpan.FromHours(1); }), new HttpClient(handler));
        var answered = handler.NextAnswer;
        for (var i = 0; i < 5; i++)
            client.PageView(who, $"/p/{i}");

        await answered.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(5, JsonDocument.Parse(Assert.Single(handler.Requests).Body).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task A_lost_reply_is_retried_and_the_server_keeps_each_event_once()
    {
        var who = NewGuest();
        var handler = new RecordingHandler().LoseReply();
        await using var client = new FootfallClient(server.Options(), new HttpClient(handler));
        for (var i = 0; i < 7; i++)
            client.PageView(who, $"/p/{i}");

        await client.FlushAsync();

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(handler.Requests[0].Body, handler.Requests[1].Body);
        var events = await server.Reader().GetActivityAsync(who, 100);
        Assert.Equal(7, events.Count);
        Assert.Equal(7, client.DeliveredEvents);
    }

    [Fact]
    public async Task An_event_the_server_rejects_is_reported_and_the_rest_of_its_batch_is_kept()
    {
        var who = NewGuest();
        var failures = new List<DeliveryFailure>();
        await using var client = new FootfallClient(server.Options(o => o.OnDeliveryFailure = failures.Add));
        client.PageView(who, "/ok");
        var bad = new FootfallEvent("product_view", who); // no target.product
        client.Track(bad);
        client.PageView(who, "/ok-too");

        await client.FlushAsync();

        var failure = Assert.Single(failures);
        Assert.Equal([bad.Id], failure.EventIds);
        Assert.Contains("product", failure.Reason);
        Assert.Equal(1, client.FailedEvents);
        Assert.Equal(2, client.DeliveredEvents);
        Assert.Equal(2, (await server.Reader().GetActivityAsync(who)).Count);
    }

    [Fact]
    public async Task An_unknown_project_is_reported_once_and_not_retried()
    {
        var failures = new List<DeliveryFailure>();
        var handler = new RecordingHandler();
        await using var client = new FootfallClient(
            server.Options(o => { o.ProjectId = "no-such-project"; o.OnDeliveryFailure = failures.Add; }), new HttpClient(handler));
        client.PageView(NewGuest(), "/");
        client.PageView(NewGuest(), "/");

        await client.FlushAsync();

        Assert.Single(handler.Requests);
        Assert.Equal(404, Assert.Single(failures).StatusCode);
        Assert.Equal(2, failures[0].EventIds.Count);
        Assert.Equal(2, client.FailedEvents);
    }

    [Fact]
    public async Task Identify_links_the_guests_earlier_events_to_the_user()
    {
        var guest = NewGuest();
        var user = PersonId.User("u-" + Guid.NewGuid().ToString("N"));
        await using var client = new FootfallClient(server.Options());
        client.ProductView(guest, "sku-9");
        Assert.True(client.Identify(guest.GuestId!, user.UserId!));
        client.Purchase(user, "sku-9", 5m);

        await client.FlushAsync();

        var events = await server.Reader().GetActivityAsync(user);
        Assert.Equal(["product_purchase", "product_view"], events.Select(e => e.Action).Order(StringComparer.Ordinal));
    }
}
