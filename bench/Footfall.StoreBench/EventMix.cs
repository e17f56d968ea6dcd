using Footfall.Events;

namespace Footfall.StoreBench;

/// <summary>
/// A deterministic shop-like stream: ~10% impressions of one two-variant experience, ~3% purchases, the rest
/// views and cart actions, over 30 days and many persons; a fifth of the persons sign in (their events carry
/// both ids, which links them). Every event has an idempotency key, as SDKs send one.
/// </summary>
internal sealed class EventMix(int persons, DateTime start, int seed = 42)
{
    private readonly Random _random = new(seed);
    private long _next;

    public IReadOnlyList<TrackedEvent> Batch(int size)
    {
        var list = new List<TrackedEvent>(size);
        for (var i = 0; i < size; i++)
            list.Add(Next());
        return list;
    }

    private TrackedEvent Next()
    {
        var n = _next++;
        var person = _random.Next(persons);
        var time = start.AddMilliseconds(_random.NextInt64(30L * 86_400_000));
        var roll = _random.Next(100);
        var signedIn = person % 5 == 0 && _random.Next(2) == 0;
        var product = "sku-" + _random.Next(2000);
        var e = new TrackedEvent
        {
            Key = "e" + n,
            Action = roll switch { < 10 => BuiltInActions.Impression, < 13 => BuiltInActions.Purchase, < 25 => BuiltInActions.AddToCart, _ => BuiltInActions.ProductView },
            Time = time,
            ReceivedAt = time,
            GuestId = "g" + person,
            UserId = signedIn ? "u" + person : null,
            SessionId = "s" + person + "-" + time.DayOfYear,
        };
        return roll < 10
            ? e with { Experience = "hero", Variant = person % 2 == 0 ? "0" : "1" }
            : e with { Target = new Dictionary<string, string> { ["product"] = product }, ParamsJson = roll < 13 ? """{"price":19.9}""" : null };
    }
}
