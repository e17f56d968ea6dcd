using System.Text.Json;

namespace Footfall.Client.Delivery;

/// <summary>Writes events and links in the server's native JSON (CONTRACT §3).</summary>
internal static class EventJson
{
    private static readonly JsonSerializerOptions ParamsOptions = new(JsonSerializerDefaults.Web);

    public static Outgoing Serialize(FootfallEvent e)
    {
        var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", e.Id);
            w.WriteString("action", e.Action);
            // RFC 3339 in UTC: the server compares times, never local clocks.
            w.WriteString("time", e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            WriteIfSet(w, "userId", e.Person.UserId);
            WriteIfSet(w, "guestId", e.Person.GuestId);
            WriteIfSet(w, "sessionId", e.SessionId);
            WriteIfSet(w, "experience", e.Experience);
            WriteIfSet(w, "variant", e.Variant);
            WriteIfSet(w, "sourceId", e.SourceId);
            WriteIfSet(w, "label", e.Label);
            if (e.Target is { Count: > 0 })
            {
                w.WriteStartObject("target");
                foreach (var (kind, id) in e.Target)
                    w.WriteString(kind, id);
                w.WriteEndObject();
            }
            if (e.Params is { Count: > 0 })
            {
                w.WritePropertyName("params");
                JsonSerializer.Serialize(w, e.Params, ParamsOptions);
            }
            w.WriteEndObject();
        }
        return new Outgoing(e.Id, buffer.ToArray());
    }

    public static Outgoing Link(string guestId, string userId) =>
        new(null, JsonSerializer.SerializeToUtf8Bytes(new { guestId, userId }, ParamsOptions));

    /// <summary>A JSON array of the events' bytes, without re-serializing them.</summary>
    public static byte[] Array(IReadOnlyList<Outgoing> events)
    {
        var length = 2 + events.Sum(e => e.Json.Length) + Math.Max(0, events.Count - 1);
        var body = new byte[length];
        var at = 0;
        body[at++] = (byte)'[';
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0) body[at++] = (byte)',';
            events[i].Json.CopyTo(body, at);
            at += events[i].Json.Length;
        }
        body[at] = (byte)']';
        return body;
    }

    private static void WriteIfSet(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }
}
