using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Footfall.DataGen;

/// <summary>
/// Writes a shop's history as native events (CONTRACT §3), one JSON object a line, session by session in time
/// order. Memory stays the same at any size: nothing is kept per person, product or event; a person's variants and
/// devices are functions of their number.
/// </summary>
internal sealed class ShopHistory(ShopShape shape)
{
    private const long DayMs = 86_400_000;
    private const int FlushBytes = 1 << 20;

    private readonly Random _random = new(shape.Seed);
    private readonly PowerLaw _personRank = new(shape.Persons, shape.PersonSkew);
    private readonly Scramble _personOf = new(shape.Persons);
    private readonly PowerLaw _productRank = new(shape.Products, shape.ProductSkew);
    private readonly Scramble _productOf = new(shape.Products);
    private readonly ArrayBufferWriter<byte> _buffer = new(2 * FlushBytes);
    private long _written;

    /// <summary>Writes <see cref="ShopShape.Events"/> events to <paramref name="output"/>; reports progress every million.</summary>
    public void WriteTo(Stream output, Action<long> progress)
    {
        using var json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        var start = shape.End.AddDays(-shape.Days);
        for (var day = 0; day < shape.Days; day++)
        {
            // The remainder goes to the first days, so the total is exact.
            var dayTarget = shape.Events / shape.Days + (day < shape.Events % shape.Days ? 1 : 0);
            var dayStart = start.AddDays(day);
            long inDay = 0;
            while (inDay < dayTarget)
            {
                var at = dayStart.AddMilliseconds(DayMs * inDay / dayTarget + _random.Next(60_000));
                inDay += WriteSession(json, at, dayTarget - inDay, output, progress);
            }
        }
        output.Write(_buffer.WrittenSpan);
        output.Flush();
    }

    /// <summary>One visit: a person on one device, a few events a minute or so apart. Returns the events written.</summary>
    private int WriteSession(Utf8JsonWriter json, DateTime at, long room, Stream output, Action<long> progress)
    {
        var person = _personOf.Of(_personRank.Next(_random));
        // A third of the persons use two devices (two guest ids); signed-in persons link them through their user id.
        var guest = person % 3 == 0 && _random.Next(2) == 1 ? $"g{person}-2" : $"g{person}";
        var user = person % shape.SignInEvery == 0 && _random.Next(10) < 6 ? $"u{person}" : null;
        var session = $"s{_written}";
        // Geometric length, mean 6.
        var length = (int)Math.Min(room, Math.Min(200, 1 + (long)(Math.Log(1 - _random.NextDouble()) / Math.Log(5.0 / 6))));
        long viewed = -1;
        for (var i = 0; i < length; i++)
        {
            if (at >= shape.End)
                at = shape.End.AddMilliseconds(-1);
            viewed = WriteEvent(json, person, guest, user, session, at, viewed);
            json.Flush();
            _buffer.GetSpan(1)[0] = (byte)'\n';
            _buffer.Advance(1);
            json.Reset();
            if (++_written % 1_000_000 == 0)
                progress(_written);
            if (_buffer.WrittenCount >= FlushBytes)
            {
                output.Write(_buffer.WrittenSpan);
                _buffer.ResetWrittenCount();
            }
            at = at.AddMilliseconds(5_000 + _random.Next(85_000));
        }
        return length;
    }

    /// <summary>Writes one event; returns the product last viewed in the session (carts and purchases follow views).</summary>
    private long WriteEvent(Utf8JsonWriter json, long person, string guest, string? user, string session, DateTime at, long viewed)
    {
        json.WriteStartObject();
        json.WriteString("id", $"e{shape.Seed}-{_written}");
        var roll = _random.Next(100);
        var product = roll is >= 10 and < 23 && viewed >= 0 ? viewed : _productOf.Of(_productRank.Next(_random));
        var action = roll switch
        {
            < 10 => "impression",
            < 13 => "product_purchase",
            < 21 => "product_add_to_cart",
            < 23 => "product_remove_from_cart",
            < 73 => "product_view",
            < 85 => "page_view",
            < 93 => "category_view",
            < 98 => "search",
            _ => "product_add_to_wishlist",
        };
        json.WriteString("action", action);
        json.WriteString("time", at);
        json.WriteString("guestId", guest);
        if (user is not null)
            json.WriteString("userId", user);
        json.WriteString("sessionId", session);
        switch (action)
        {
            case "impression":
                // Sticky assignment: a person always sees the same variant of an experience.
                var experience = _random.Next(shape.Experiences);
                var variant = ((ulong)(person * 31 + experience) * 0x9E3779B97F4A7C15UL >> 40) % (ulong)(2 + experience % 2);
                json.WriteString("experience", $"exp-{experience + 1}");
                json.WriteString("variant", variant.ToString(CultureInfo.InvariantCulture));
                break;
            case "page_view":
                Target(json, "page", $"/pages/{product % 200}");
                break;
            case "category_view":
                Target(json, "category", $"c{product % 50}");
                break;
            case "search":
                Target(json, "query", $"q{product % 5000}");
                break;
            default:
                Target(json, "product", $"sku-{product}");
                json.WriteStartObject("params");
                json.WriteString("category", $"c{product % 50}");
                if (action == "product_purchase")
                {
                    json.WriteNumber("price", 2 + product * 7919 % 19_800 / 100.0);
                    json.WriteNumber("quantity", 1 + _random.Next(10) / 8);
                }
                json.WriteEndObject();
                if (action == "product_view")
                    viewed = product;
                break;
        }
        json.WriteEndObject();
        return viewed;
    }

    private static void Target(Utf8JsonWriter json, string kind, string id)
    {
        json.WriteStartObject("target");
        json.WriteString(kind, id);
        json.WriteEndObject();
    }
}
