using System.Globalization;
using System.Text.Json;
using Footfall.Events;
using Footfall.Recommendations;
using Footfall.Storage;

namespace Footfall.Analytics.Definitions;

/// <summary>
/// Recommendation performance as CONTRACT §8 defines it, computed the plain way from a resolved history: the
/// definition <see cref="FeedAttribution.ComputeAsync"/> over either store is tested against.
/// </summary>
public static class FeedCrediting
{
    /// <summary>How far back a response may have been served and still be credited with an event: 30 days.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    /// <summary>
    /// The crediting rule: an event at <paramref name="eventTime"/> carrying a response's id is credited to that
    /// response when it was served at most <see cref="Window"/> before the event. A response "served after" the event
    /// is credited too: the event's time is the client's clock, the response's the server's, and a click cannot
    /// name a response id before it was minted. The rule looks at the two times only, so a report over a range is the
    /// sum of reports over its parts.
    /// </summary>
    public static bool Credits(DateTime servedAt, DateTime eventTime) => servedAt >= EventTime.Earlier(eventTime, Window);

    /// <summary>
    /// Per feed (every feed, in <see cref="FeedNames.All"/> order), over [from, to): responses served; product views and clicks
    /// carrying a credited response's id whose product that response showed (clicks); add-to-carts and purchases
    /// carrying a credited response's id; and Σ price x quantity of those purchases. Only product interactions count:
    /// a product action with <c>target.product</c>, or a <see cref="BuiltInActions.Click"/> on one (a click, as Attraqt XO counts it).
    /// </summary>
    public static IReadOnlyList<FeedPerformance> Compute(ResolvedHistory history, DateTime from, DateTime to)
    {
        var responses = history.Responses.ToDictionary(r => r.ResponseId, StringComparer.Ordinal);
        return FeedNames.All.Select(feed =>
        {
            var served = history.Responses.Count(r => r.Feed == feed && r.Time >= from && r.Time < to);
            var credited = history.Events.Where(e =>
                BuiltInActions.SourcedActions.Contains(e.Action) && e.Product is not null && e.Time >= from && e.Time < to
                && e.SourceId is not null && responses.TryGetValue(e.SourceId, out var r) && r.Feed == feed && Credits(r.Time, e.Time)).ToList();
            var clicks = credited.Count(e => e.Action is BuiltInActions.ProductView or BuiltInActions.Click
                && responses[e.SourceId!].Items.Contains(e.Product!));
            var purchases = credited.Where(e => e.Action == BuiltInActions.Purchase).ToList();
            var revenue = purchases.Sum(e => PurchaseValue(e.ParamsJson) ?? 0);
            return new FeedPerformance(feed, served, clicks, credited.Count(e => e.Action == BuiltInActions.AddToCart), purchases.Count,
                Math.Round(revenue, 2), served == 0 ? 0 : Math.Round((double)clicks / served, 4));
        }).ToList();
    }

    /// <summary>
    /// A purchase's value: <c>params.price</c> x <c>params.quantity</c> (1 when absent), each a JSON number or a string
    /// holding one; null without a price.
    /// </summary>
    public static double? PurchaseValue(string? paramsJson)
    {
        if (paramsJson is null)
            return null;
        using var doc = JsonDocument.Parse(paramsJson);
        return Number(doc.RootElement, "price") is { } price ? price * (Number(doc.RootElement, "quantity") ?? 1) : null;
    }

    private static double? Number(JsonElement obj, string name) =>
        !obj.TryGetProperty(name, out var v) ? null
        : v.ValueKind == JsonValueKind.Number ? v.GetDouble()
        : v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
        : null;
}
