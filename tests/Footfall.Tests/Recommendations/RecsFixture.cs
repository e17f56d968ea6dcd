using System.Globalization;
using System.Text.Json;
using Footfall.Recommendations;
using Footfall.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Footfall.Tests.Recommendations;

/// <summary>A server whose background model refresh is off: tests refresh explicitly, so what a feed sees is decided.</summary>
public sealed class RecsFixture : IDisposable
{
    public FootfallFactory Factory { get; } = new();

    public RecsFixture() => Factory.Settings["Recommendations:RefreshSeconds"] = "0";

    // Models are built from the store, which takes acknowledged events behind the log: a refresh after an
    // acknowledgement first waits for the applier, as a read under /v1 does.
    public async Task RefreshAsync(TestProject project)
    {
        await Factory.WaitAppliedAsync();
        await Factory.Services.GetRequiredService<RecommendationModels>().RefreshAsync(project.Id);
    }

    public void Dispose() => Factory.Dispose();
}

/// <summary>Shorthands for hand-built histories.</summary>
public static class Recs
{
    public static string Ago(TimeSpan age) => (DateTime.UtcNow - age).ToString("O", CultureInfo.InvariantCulture);

    public static object View(string guest, string product, TimeSpan age, string? session = null, string? category = null, string? sourceId = null) =>
        new { action = "product_view", guestId = guest, sessionId = session, sourceId, target = new { product }, time = Ago(age),
              @params = category is null ? null : new { category } };

    public static object Cart(string guest, string product, TimeSpan age, string? sourceId = null) =>
        new { action = "product_add_to_cart", guestId = guest, sourceId, target = new { product }, time = Ago(age) };

    public static object Buy(string guest, string product, TimeSpan age, double price = 10, int quantity = 1, string? sourceId = null) =>
        new { action = "product_purchase", guestId = guest, sourceId, target = new { product }, time = Ago(age), @params = new { price, quantity } };

    public static List<string> Ids(JsonElement response) =>
        response.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();

    public static TimeSpan Hours(double h) => TimeSpan.FromHours(h);

    public static TimeSpan Days(double d) => TimeSpan.FromDays(d);
}
