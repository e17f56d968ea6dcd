using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Footfall.Events;

namespace Footfall.Storage;

/// <summary>
/// Reads JSON text back from a store defensively. Rows stored before the <see cref="TextRule"/> may hold a lone
/// surrogate escape (which System.Text.Json throws on when it reads or writes the string) or text that is not JSON
/// at all; such a row is shown repaired (U+FFFD in place of what the rule refuses) instead of failing the read.
/// </summary>
public static class StoredJson
{
    /// <summary>The parsed value: as stored when it is sound, repaired when not, a JSON string of the text when it does not parse.</summary>
    public static JsonElement Parse(string json)
    {
        using var document = ParseDocument(json, out _);
        return document.RootElement.Clone();
    }

    /// <summary>The text as sound JSON: itself when it already is (the usual case, no copy).</summary>
    public static string Repair(string json)
    {
        using var document = ParseDocument(json, out var repaired);
        return repaired ? document.RootElement.GetRawText() : json;
    }

    private static JsonDocument ParseDocument(string json, out bool repaired)
    {
        repaired = true;
        if (TextRule.Problem(json, freeText: true) is null && TryParse(json) is { } document)
        {
            if (TextRule.CheckJson(document.RootElement) is null)
            {
                repaired = false;
                return document;
            }
            using (document)
                return JsonDocument.Parse(Rewrite(writer => Write(writer, document.RootElement)));
        }
        return JsonDocument.Parse(Rewrite(writer => writer.WriteStringValue(TextRule.Replace(json))));
    }

    private static JsonDocument? TryParse(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] Rewrite(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
            write(writer);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(TextRule.Replace(TextRule.Unescape(JsonMarshal.GetRawUtf8PropertyName(property))));
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(TextRule.Replace(TextRule.Unescape(JsonMarshal.GetRawUtf8Value(element))));
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
