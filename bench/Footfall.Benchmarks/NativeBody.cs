using System.Globalization;
using System.Text.Json;
using Footfall.Events;

namespace Footfall.Benchmarks;

/// <summary>Events written as the body a client posts to <c>/v1/events</c>: a JSON array of native events.</summary>
internal static class NativeBody
{
    /// <summary>The UTF-8 body.</summary>
    public static byte[] Write(IEnumerable<TrackedEvent> events)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var e in events)
            {
                json.WriteStartObject();
                json.WriteString("id", e.Key);
                json.WriteString("action", e.Action);
                json.WriteString("time", e.Time.ToString("O", CultureInfo.InvariantCulture));
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
        }
        return buffer.ToArray();
    }
}
