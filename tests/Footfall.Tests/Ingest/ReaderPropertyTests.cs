using System.Text;
using System.Text.Json;
using CsCheck;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Ingest;
using Footfall.Server.Dialects;
using Footfall.Server.Dialects.Crownpeak;
using Footfall.Server.Dialects.OneEntry;
using Footfall.Server.Dialects.Personalize;
using Footfall.Server.Dialects.Segment;
using Footfall.Server.Dialects.Synerise;
using Footfall.Server.Http;

namespace Footfall.Tests.Ingest;

/// <summary>
/// Random JSON, random bytes and mutated bodies through the HTTP edge's decoding, every reader (native and each
/// dialect, as their endpoints call them) and the validator: nothing throws, and every accepted event keeps the text rule.
/// </summary>
public sealed class ReaderPropertyTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Names the readers look for, so random objects often reach the translators' deeper paths.</summary>
    private static readonly string[] Fields =
    [
        "id", "action", "time", "userId", "guestId", "sessionId", "experience", "variant", "target", "sourceId", "label", "params",
        "type", "eventKey", "experienceShortUid", "variantShortUid", "user", "identities", "customerId", "metadata", "timestamp",
        "client", "uuid", "customId", "email", "productId", "pageId", "query", "meta", "rating", "opposite", "product", "price",
    ];

    // JSON string content as a client may write it: plain, escaped, and the escapes the rule is about.
    private static readonly Gen<string> StringToken = Gen.Frequency(
        (8, Gen.Char['a', 'z'].Select(c => c.ToString())),
        (2, Gen.OneOf("view", "product.view", "product_view", "EVENT", "IMPRESSION", "sessionId", "2026-01-01T00:00:00Z", "1")),
        (1, Gen.OneOf("\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\n", "\\t", "\\u0001", "\\b", "é", "😀", "\\\"", "\\\\", " "))
    ).Array[0, 5].Select(parts => "\"" + string.Concat(parts) + "\"");

    private static readonly Gen<string> Key = Gen.Frequency((4, Gen.OneOf(Fields).Select(f => $"\"{f}\"")), (1, StringToken));

    private static readonly Gen<string> Leaf = Gen.Frequency((5, StringToken), (1, Gen.OneOf("12", "-3.5", "true", "null", "1e400")));

    private static readonly Gen<string> Value = Gen.Recursive<string>((depth, self) => depth >= 3 ? Leaf : Gen.Frequency(
        (5, Leaf),
        (2, Gen.Select(Key, self).Array[0, 6].Select(ps => "{" + string.Join(",", ps.Select(p => p.Item1 + ":" + p.Item2)) + "}")),
        (1, self.Array[0, 3].Select(items => "[" + string.Join(",", items) + "]"))));

    /// <summary>An event object shaped for one reader or another, or any JSON value at all.</summary>
    private static readonly Gen<string> Event = Gen.Frequency(
        (3, Gen.Select(Key, Value).Array[0, 10].Select(ps => "{" + string.Join(",", ps.Select(p => p.Item1 + ":" + p.Item2)) + "}")),
        (1, Value));

    [Fact]
    public void Property_random_json_through_every_reader_never_throws_and_accepted_events_keep_the_rule() =>
        Event.Sample(json =>
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            ThroughEveryReader(document.RootElement);
        }, iter: 4000);

    [Fact]
    public void Property_random_and_mutated_bytes_are_refused_at_the_edge_or_read_without_throwing() =>
        Gen.Frequency(
            (1, Gen.Byte.Array[0, 64]),
            (3, Gen.Select(Event, Gen.Int[0, 1000].Array[1, 4], Gen.Byte.Array[4, 4]).Select((json, at, bytes) =>
            {
                var body = Encoding.UTF8.GetBytes("[" + json + "]");
                for (var i = 0; i < at.Length; i++) body[at[i] % body.Length] = bytes[i];
                return body;
            }))).Sample(body =>
        {
            var offset = JsonBody.InvalidUtf8Offset(body);
            Assert.Equal(IsUtf8(body), offset is null);
            if (offset is { } bad)
            {
                Assert.True(IsUtf8(body.AsSpan(0, bad)));
                // No complete sequence (1 to 4 bytes) starts at the offset named.
                for (var length = 1; length <= Math.Min(4, body.Length - bad); length++)
                    Assert.False(IsUtf8(body.AsSpan(bad, length)), $"a valid {length}-byte sequence at {bad}");
                return;
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException)
            {
                return; // the edge answers 400 "not valid JSON"
            }
            using (document)
            {
                var items = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().ToList() : [document.RootElement];
                foreach (var item in items)
                    ThroughEveryReader(item);
            }
        }, iter: 4000);

    // Each reader as its endpoint calls it, then the validator; an accepted event is checked against an oracle.
    private static void ThroughEveryReader(JsonElement item)
    {
        var links = new DialectBatch();
        var candidates = new List<EventCandidate>
        {
            EventCandidate.FromJson(item, raw => NativeEventReader.TryRead(raw, Now, EventSources.Native, out var e, out var error)
                ? EventCandidate.Of(e!, raw) : EventCandidate.Invalid(error!, raw)),
            EventCandidate.FromJson(item, raw => PersonalizeEventReader.Read(raw, "uid", Now)),
            EventCandidate.FromJson(item, raw => CrownpeakActivityReader.Read(raw, Now, links)),
            EventCandidate.FromJson(item, raw => SyneriseEventReader.Read(raw, Now, links)),
            EventCandidate.FromJson(item, raw => OneEntryActivityReader.Read(raw, "guest", null, Now) is ({ } e, _)
                ? EventCandidate.Of(e, raw) : EventCandidate.Invalid("refused", raw)),
        };
        if (TextRule.CheckJson(item) is null)
            SegmentMessageReader.Read(item, "track", null, Now, links);
        foreach (var candidate in candidates.Concat(links.Candidates))
        {
            Assert.True(candidate.Event is not null || candidate.Error is not null);
            _ = candidate.Raw;
            if (candidate.Event is not { } e || EventValidator.Validate(e) is not null)
                continue;
            foreach (var id in new[] { e.Key, e.Action, e.UserId, e.GuestId, e.SessionId, e.Experience, e.Variant, e.SourceId }
                         .Concat(e.Target?.SelectMany(t => new[] { t.Key, t.Value }) ?? []))
                Assert.True(Keeps(id, freeText: false), $"accepted {Show(id)}");
            Assert.True(Keeps(e.Label, freeText: true), $"accepted label {Show(e.Label)}");
            if (e.ParamsJson is not null)
            {
                using var parameters = JsonDocument.Parse(e.ParamsJson);
                AssertReadable(parameters.RootElement);
            }
        }
        foreach (var link in links.ToRequest().Links)
            _ = link.A.Key + link.B.Key;
    }

    // GetString is what every later read does: it must not throw, and what it gives must keep the rule.
    private static void AssertReadable(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Assert.True(Keeps(property.Name, freeText: false), $"accepted params key {Show(property.Name)}");
                    AssertReadable(property.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    AssertReadable(item);
                break;
            case JsonValueKind.String:
                Assert.True(Keeps(element.GetString(), freeText: true), $"accepted params value {Show(element.GetString())}");
                break;
        }
    }

    private static bool Keeps(string? value, bool freeText)
    {
        if (value is null)
            return true;
        try
        {
            StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
        return !value.Any(c => c < ' ' && !(freeText && c is '\t' or '\n' or '\r'));
    }

    private static bool IsUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            StrictUtf8.GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string Show(string? value) => value is null ? "null" : string.Concat(value.Select(c => c < ' ' || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
