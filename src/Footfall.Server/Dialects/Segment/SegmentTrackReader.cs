using System.Text.Json;
using Footfall.Events;

namespace Footfall.Server.Dialects.Segment;

/// <summary>
/// Translates a Segment <c>track</c> message through <see cref="SegmentActionMap"/>: the e-commerce spec onto the
/// built-in actions, any other name onto a <c>segment.</c> action. Properties become params; the event name is
/// kept in <c>params.event</c>.
/// </summary>
public static class SegmentTrackReader
{
    /// <summary>Adds the message's events to <paramref name="batch"/>; <paramref name="segmentEvent"/> holds its ids and time.</summary>
    public static void Read(JsonElement message, TrackedEvent segmentEvent, DialectBatch batch)
    {
        if (!DialectJson.TryReadString(message, "event", out var name, out var error) || string.IsNullOrEmpty(name))
        {
            batch.Reject(error ?? "event is required for a track message", message);
            return;
        }
        if (!DialectJson.TryReadObject(message, "properties", out var found, out error))
        {
            batch.Reject(error!, message);
            return;
        }
        var properties = found ?? default;
        var trackedEvent = segmentEvent with { Action = SegmentActionMap.Custom(name), ParamsJson = DialectJson.Params(found, ("event", name)) };
        if (SegmentActionMap.ProductEvents.TryGetValue(name, out var productAction))
            trackedEvent = trackedEvent with { Action = productAction, Target = Target("product", ProductId(properties)) };
        else if (SegmentActionMap.ListEvents.Contains(name))
            trackedEvent = trackedEvent with { Action = BuiltInActions.CategoryView, Target = Target("category", Id(properties, "category", "list_id")) };
        else if (name == SegmentActionMap.ProductsSearched)
            trackedEvent = trackedEvent with { Action = BuiltInActions.Search, Target = Target("query", Id(properties, "query")) };
        else if (name == SegmentActionMap.ExperimentViewed)
            trackedEvent = trackedEvent with
            {
                Action = BuiltInActions.Impression,
                Experience = Id(properties, "experiment_id", "experiment_name"),
                Variant = Id(properties, "variation_id", "variation_name"),
            };
        else if (name == SegmentActionMap.OrderCompleted && Products(properties) is { Count: > 0 } products)
        {
            Order(message, segmentEvent, name, found, products, batch);
            return;
        }
        SegmentMessageReader.Add(message, trackedEvent, batch);
    }

    // One purchase per product, each with the product's own fields (price, quantity) over the order's (order_id, currency).
    private static void Order(JsonElement message, TrackedEvent segmentEvent, string name, JsonElement? properties,
        List<JsonElement> products, DialectBatch batch)
    {
        for (var i = 0; i < products.Count; i++)
        {
            var product = products[i];
            var fields = product.EnumerateObject().Select(p => (p.Name, (object?)p.Value)).Append(("event", name)).ToArray();
            SegmentMessageReader.Add(message, segmentEvent with
            {
                Key = SegmentMessageReader.Key(segmentEvent.Key is null ? null : $"{segmentEvent.Key}:{i}"),
                Action = BuiltInActions.Purchase,
                Target = Target("product", ProductId(product)),
                ParamsJson = DialectJson.Params(properties, "products", fields),
            }, batch);
        }
    }

    private static List<JsonElement>? Products(JsonElement properties) =>
        properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("products", out var products) && products.ValueKind == JsonValueKind.Array
            ? products.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.Object).ToList()
            : null;

    private static string? ProductId(JsonElement properties) => Id(properties, "product_id", "sku", "id");

    private static string? Id(JsonElement properties, params string[] names) =>
        names.Select(n => SegmentMessageReader.Field(properties, n)).FirstOrDefault(v => v is not null);

    // A missing id leaves the target out, so the field rule names what the action requires.
    private static Dictionary<string, string>? Target(string kind, string? id) =>
        id is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { [kind] = id };
}
