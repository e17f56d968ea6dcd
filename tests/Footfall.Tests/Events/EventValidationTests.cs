using System.Text.Json;
using Footfall.Events;
using Footfall.Ingest;

namespace Footfall.Tests.Events;

public sealed class EventValidationTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    private static string? Error(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (!NativeEventReader.TryRead(doc.RootElement, Now, EventSources.Native, out var e, out var error))
            return error;
        return EventValidator.Validate(e!);
    }

    [Theory]
    [InlineData("""{"action":"signup","userId":"u"}""")]
    [InlineData("""{"action":"a.b:c-d_e","guestId":"g"}""")]
    [InlineData("""{"action":"impression","userId":"u","experience":"e","variant":"0"}""")]
    [InlineData("""{"action":"product_rating","userId":"u","target":{"product":"p"},"params":{"rating":4}}""")]
    [InlineData("""{"action":"page.visit","guestId":"g","params":{"url":"https://x"}}""")]
    [InlineData("""{"action":"session.start","guestId":"g","sessionId":"s"}""")]
    [InlineData("""{"action":"search","guestId":"g","target":{"query":"mug"}}""")]
    public void Valid_events_pass(string json) => Assert.Null(Error(json));

    [Theory]
    [InlineData("""{"userId":"u"}""", "action is required")]
    [InlineData("""{"action":"","userId":"u"}""", "action '' must be")]
    [InlineData("""{"action":"_x","userId":"u"}""", "starting with a letter or digit")]
    [InlineData("""{"action":"a b","userId":"u"}""", "must be 1-64")]
    [InlineData("""{"action":"x"}""", "userId or guestId is required")]
    [InlineData("""{"action":"x","userId":5}""", "userId must be a string")]
    [InlineData("""{"action":"impression","userId":"u","experience":"e"}""", "impression requires variant")]
    [InlineData("""{"action":"impression","userId":"u","variant":"0"}""", "impression requires experience")]
    [InlineData("""{"action":"product_view","userId":"u"}""", "product_view requires target.product")]
    [InlineData("""{"action":"product_rating","userId":"u","target":{"product":"p"},"params":{"rating":"good"}}""", "numeric params.rating")]
    [InlineData("""{"action":"page_view","userId":"u","target":{"product":"p"}}""", "page_view requires target.page")]
    [InlineData("""{"action":"category_view","userId":"u"}""", "category_view requires target.category")]
    [InlineData("""{"action":"page.visit","userId":"u"}""", "page.visit requires params.url")]
    [InlineData("""{"action":"session.end","userId":"u"}""", "session.end requires sessionId")]
    [InlineData("""{"action":"x","userId":"u","time":"yesterday"}""", "RFC 3339")]
    [InlineData("""{"action":"x","userId":"u","params":[1]}""", "params must be a JSON object")]
    [InlineData("""{"action":"x","userId":"u","target":"p"}""", "target must be an object")]
    [InlineData("""[1]""", "must be a JSON object")]
    public void Invalid_events_name_the_problem(string json, string expected) => Assert.Contains(expected, Error(json));

    [Fact]
    public void Limits_are_enforced()
    {
        Assert.Contains("id must be at most 64", Error($$"""{"id":"{{new string('k', 65)}}","action":"x","userId":"u"}"""));
        Assert.Contains("userId must be at most 128", Error($$"""{"action":"x","userId":"{{new string('u', 129)}}"}"""));
        Assert.Contains("label must be at most 256", Error($$"""{"action":"x","userId":"u","label":"{{new string('l', 257)}}"}"""));
        Assert.Contains("params must be at most 8192", Error($$$"""{"action":"x","userId":"u","params":{"p":"{{{new string('p', 8200)}}}"}}"""));
        Assert.Contains("must be 1-64", Error($$"""{"action":"{{new string('a', 65)}}","userId":"u"}"""));
    }

    [Fact]
    public void A_time_more_than_five_minutes_ahead_is_replaced_by_the_receive_time()
    {
        using var ahead = JsonDocument.Parse("""{"action":"x","userId":"u","time":"2026-11-23T12:06:00Z"}""");
        Assert.True(NativeEventReader.TryRead(ahead.RootElement, Now, EventSources.Native, out var e, out _));
        Assert.Equal(Now, e!.Time);
        using var near = JsonDocument.Parse("""{"action":"x","userId":"u","time":"2026-11-23T12:04:00+00:00"}""");
        Assert.True(NativeEventReader.TryRead(near.RootElement, Now, EventSources.Native, out var n, out _));
        Assert.Equal(Now.AddMinutes(4), n!.Time);
        using var offset = JsonDocument.Parse("""{"action":"x","userId":"u","time":"2026-11-23T13:00:00.1234567+02:00"}""");
        Assert.True(NativeEventReader.TryRead(offset.RootElement, Now, EventSources.Native, out var o, out _));
        Assert.Equal(new DateTime(2026, 11, 23, 11, 0, 0, 123, DateTimeKind.Utc), o!.Time);
    }

    [Fact]
    public void A_missing_time_is_the_receive_time()
    {
        using var doc = JsonDocument.Parse("""{"action":"x","userId":"u"}""");
        Assert.True(NativeEventReader.TryRead(doc.RootElement, Now, EventSources.Native, out var e, out _));
        Assert.Equal(Now, e!.Time);
    }
}
