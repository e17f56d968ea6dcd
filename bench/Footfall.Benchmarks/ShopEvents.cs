using System.Text.Json;
using Footfall.Events;

namespace Footfall.Benchmarks;

/// <summary>
/// The deterministic shop-like mix the load generator sends: 10% impressions of a two-variant experience, 3% purchases
/// (with a price), 12% cart adds, 75% product views; every event has an idempotency id, a guest, a session and a time,
/// and a fifth of the persons are signed in (both ids, which links them).
/// </summary>
internal sealed class ShopEvents(int persons, DateTime start, int seed = 42)
{
    private readonly Random _random = new(seed);
    private long _next;

    /// <summary>The next <paramref name="count"/> events; ids never repeat within one instance.</summary>
    public List<TrackedEvent> Next(int count)
    {
        var list = new List<TrackedEvent>(count);
        for (var i = 0; i < count; i++)
            list.Add(Next());
        return list;
    }

    /// <summary>The next <paramref name="count"/> events as a native batch body (<c>{"events": [...]}</c>), UTF-8.</summary>
    public byte[] NativeBatch(int count)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            foreach (var e in Next(count))
            {
                json.WriteStartObject();
                json.WriteString("id", e.Key);
                json.WriteString("action", e.Action);
                json.WriteString("time", e.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                if (e.UserId is not null) json.WriteString("userId", e.UserId);
                json.WriteString("guestId", e.GuestId);
                json.WriteString("sessionId", e.SessionId);
                if (e.Experience is not null) json.WriteString("experience", e.Experience);
                if (e.Variant is not null) json.WriteString("variant", e.Variant);
                if (e.Target is not null)
                {
                    json.WriteStartObject("target");
                    foreach (var (kind, id) in e.Target) json.WriteString(kind, id);
                    json.WriteEndObject();
                }
                if (e.ParamsJson is not null)
                {
                    json.WritePropertyName("params");
                    json.WriteRawValue(e.ParamsJson);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private TrackedEvent Next()
    {
        var n = _next++;
        var person = _random.Next(persons);
        var time = start.AddMilliseconds(_random.NextInt64(30L * 86_400_000));
        var roll = _random.Next(100);
        var signedIn = person % 5 == 0 && _random.Next(2) == 0;
        var e = new TrackedEvent
        {
            Key = "e" + n,
            Action = roll switch
            {
                < 10 => BuiltInActions.Impression,
                < 13 => BuiltInActions.Purchase,
                < 25 => BuiltInActions.AddToCart,
                _ => BuiltInActions.ProductView,
            },
            Time = time,
            ReceivedAt = time,
            GuestId = "g" + person,
            UserId = signedIn ? "u" + person : null,
            SessionId = "s" + person + "-" + time.DayOfYear,
        };
        return roll < 10
            ? e with { Experience = "hero", Variant = person % 2 == 0 ? "0" : "1" }
            : e with
            {
                Target = new Dictionary<string, string> { ["product"] = "sku-" + _random.Next(2000) },
                ParamsJson = roll < 13 ? """{"price":19.9}""" : null,
            };
    }
}
