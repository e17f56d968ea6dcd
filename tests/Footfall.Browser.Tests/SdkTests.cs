using System.Text.Json;
using Footfall.Browser.Tests.Support;
using Microsoft.Playwright;

namespace Footfall.Browser.Tests;

/// <summary>
/// The browser SDK (<c>/sdk/footfall.min.js</c>) in a real Chromium, on the sample shop page served from a fake
/// origin (<see cref="ShopSite"/>), sending to the real server; checked through the read API.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SdkTests(BrowserFixture fx)
{
    private string Shop => fx.Shop.Origin + "/";

    private sealed record SdkState(string? GuestId, string? UserId, string? SessionId, int Queue, bool Initialized);

    private static async Task<SdkState> StateAsync(IPage page)
    {
        var s = await page.EvaluateAsync<JsonElement>("footfall._state()");
        return new SdkState(Str(s, "guestId"), Str(s, "userId"), Str(s, "sessionId"), s.GetProperty("queue").GetInt32(),
            s.GetProperty("initialized").GetBoolean());
    }

    /// <summary>Sends the queue now and checks that it was delivered (flush resolves on failure too).</summary>
    private static async Task FlushAsync(IPage page)
    {
        await page.EvaluateAsync("footfall.flush()");
        Assert.Equal(0, (await StateAsync(page)).Queue);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Action(JsonElement e) => e.GetProperty("action").GetString()!;

    private static string? Url(JsonElement e) =>
        e.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object ? Str(p, "url") : null;

    private static int Count(IEnumerable<JsonElement> events, string action) => events.Count(e => Action(e) == action);

    [Fact]
    public async Task First_visit_sends_page_visit_and_session_start_with_a_guest_id()
    {
        await using var context = await fx.NewShopVisitorAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Shop);

        var state = await StateAsync(page);
        Assert.True(state.Initialized);
        Assert.False(string.IsNullOrEmpty(state.GuestId));
        Assert.False(string.IsNullOrEmpty(state.SessionId));
        Assert.Null(state.UserId);
        await FlushAsync(page);

        var events = await fx.ActivityAsync("guestId", state.GuestId!);
        Assert.Equal(1, Count(events, "page.visit"));
        Assert.Equal(1, Count(events, "session.start"));
        var visit = events.Single(e => Action(e) == "page.visit");
        Assert.Equal(Shop, Url(visit));
        Assert.Equal("Tiny Shop", Str(visit, "label"));
        Assert.All(events, e =>
        {
            Assert.Equal(state.GuestId, Str(e, "guestId"));
            Assert.Equal(state.SessionId, Str(e, "sessionId"));
            Assert.Equal("native", Str(e, "source"));
            Assert.False(string.IsNullOrEmpty(Str(e, "id")));
        });
    }

    [Fact]
    public async Task Reload_keeps_the_guest_id_and_the_session()
    {
        await using var context = await fx.NewShopVisitorAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Shop);
        var first = await StateAsync(page);
        await FlushAsync(page);

        await page.ReloadAsync();
        var second = await StateAsync(page);
        Assert.Equal(first.GuestId, second.GuestId);
        Assert.Equal(first.SessionId, second.SessionId);
        await FlushAsync(page);

        // A second tab of the same visitor shares the guest id too.
        var tab = await context.NewPageAsync();
        await tab.GotoAsync(Shop + "cart");
        Assert.Equal(first.GuestId, (await StateAsync(tab)).GuestId);
        await FlushAsync(tab);

        var events = await fx.ActivityAsync("guestId", first.GuestId!);
        Assert.Equal(3, Count(events, "page.visit"));
        Assert.Equal(1, Count(events, "session.start"));
    }

    [Fact]
    public async Task Spa_navigation_with_pushState_sends_another_page_visit()
    {
        await using var context = await fx.NewShopVisitorAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Shop);
        var guest = (await StateAsync(page)).GuestId!;
        await FlushAsync(page);

        await page.ClickAsync("#nav-cart");
        Assert.Equal(Shop + "cart", page.Url);

        // The SDK sends the SPA page.visit one tick later (so the app can set the title): wait for it on the server.
        var events = await fx.WaitForActivityAsync("guestId", guest, es => Count(es, "page.visit") >= 2,
            () => page.EvaluateAsync("footfall.flush()"));
        var cart = Assert.Single(events, e => Action(e) == "page.visit" && Url(e) == Shop + "cart");
        Assert.Equal("Tiny Shop - Cart", Str(cart, "label"));
        Assert.Equal(Shop, Str(cart.GetProperty("params"), "referrer"));
        Assert.Equal(1, Count(events, "session.start"));
        Assert.Equal(2, Count(events, "page.visit"));
    }

    [Fact]
    public async Task Pagehide_flushes_the_queue_when_navigating_away()
    {
        // A timed flush would come only after 10 minutes: only the pagehide beacon can deliver these events.
        await using var context = await fx.NewShopVisitorAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Shop + "?init=flushInterval:600000");
        await page.ClickAsync("#view-product");
        await page.ClickAsync("#add-to-cart");
        var state = await StateAsync(page);
        Assert.Equal(4, state.Queue); // session.start, page.visit, product_view, product_add_to_cart: nothing sent yet

        await page.GotoAsync("about:blank");

        var events = await fx.WaitForActivityAsync("guestId", state.GuestId!, es => es.Count >= 4);
        Assert.Equal(4, events.Count);
        Assert.Equal(1, Count(events, "product_view"));
        Assert.Equal(1, Count(events, "product_add_to_cart"));
        Assert.Equal(4, events.Select(e => Str(e, "id")).Distinct().Count());
    }

    [Fact]
    public async Task Pagehide_flushes_the_queue_when_the_page_is_closed()
    {
        await using var context = await fx.NewShopVisitorAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Shop + "?init=flushInterval:600000");
        await page.ClickAsync("#view-product");
        var state = await StateAsync(page);
        Assert.Equal(3, state.Queue);

        await page.CloseAsync(new PageCloseOptions { RunBeforeUnload = true });

        var events = await fx.WaitForActivityAsync("guestId", state.GuestId!, es => es.Count >= 3);
        Assert.Equal(3, events.Count);
        Assert.Equal(1, Count(events, "product_view"));
    }

    [Fact]
    public async Task Offline_then_online_delivers_exactly_once()
    {
        await using var context = await fx.NewShopVisitorAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Shop);
        var guest = (await StateAsync(page)).GuestId!;
        await FlushAsync(page);

        await context.SetOfflineAsync(true);
        await page.ClickAsync("#view-product");
        await page.ClickAsync("#add-to-cart");
        await page.ClickAsync("#nav-cart");
        await page.EvaluateAsync("footfall.flush()");
        await page.EvaluateAsync("footfall.flush()");
        Assert.True((await StateAsync(page)).Queue >= 2);
        var whileOffline = await fx.ActivityAsync("guestId", guest);
        Assert.Equal(0, Count(whileOffline, "product_view"));
        Assert.Equal(0, Count(whileOffline, "product_add_to_cart"));

        await context.SetOfflineAsync(false);
        var events = await fx.WaitForActivityAsync("guestId", guest,
            es => Count(es, "product_add_to_cart") >= 1 && Count(es, "page.visit") >= 2,
            () => page.EvaluateAsync("footfall.flush()"));
        await FlushAsync(page);
        events = await fx.ActivityAsync("guestId", guest);

        var ids = events.Select(e => Str(e, "id")).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(1, Count(events, "session.start"));
        Assert.Equal(2, Count(events, "page.visit"));
        Assert.Equal(1, Count(events, "product_view"));
        Assert.Equal(1, Count(events, "product_add_to_cart"));
        Assert.Equal(5, events.Count);
    }

    [Fact]
    public async Task Login_merges_the_guests_earlier_events_into_the_users_feed()
    {
        var user = "shopper-" + Guid.NewGuid().ToString("N")[..12];
        await using var context = await fx.NewShopVisitorAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Shop);
        await page.ClickAsync("#view-product");
        var guest = (await StateAsync(page)).GuestId!;
        await FlushAsync(page);
        var asGuest = await fx.ActivityAsync("guestId", guest);
        Assert.Equal(3, asGuest.Count);
        Assert.Empty(await fx.ActivityAsync("userId", user));

        await page.FillAsync("#user-id", user);
        await page.ClickAsync("#login");
        Assert.Equal(user, (await StateAsync(page)).UserId);
        await page.ClickAsync("#add-to-cart");
        await FlushAsync(page);

        var asUser = await fx.ActivityAsync("userId", user);
        var userIds = asUser.Select(e => Str(e, "id")).ToHashSet();
        // The guest's earlier events, sent with the guest id only, are now in the user's feed.
        Assert.All(asGuest, e => Assert.Contains(Str(e, "id"), userIds));
        Assert.Equal(1, Count(asUser, "product_view"));
        Assert.Equal(1, Count(asUser, "product_add_to_cart"));
        var cart = asUser.Single(e => Action(e) == "product_add_to_cart");
        Assert.Equal(user, Str(cart, "userId"));
        Assert.Equal(guest, Str(cart, "guestId"));
        // And the guest id leads to the same person.
        Assert.Equal(userIds, (await fx.ActivityAsync("guestId", guest)).Select(e => Str(e, "id")).ToHashSet());
    }
}
