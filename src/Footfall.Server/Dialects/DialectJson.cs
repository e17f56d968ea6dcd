using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Footfall.Server.Dialects;

/// <summary>
/// Small readers shared by the dialect translators. Vendors are loose about ids (a number here, a string there),
/// so ids are read from either; everything else is read strictly and the error names the field.
/// </summary>
public static class DialectJson
{
    /// <summary>An id given as a string or a number; null when absent or JSON null.</summary>
    public static bool TryReadId(JsonElement obj, string name, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var element))
            return true;
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.String:
                value = element.GetString();
                return true;
            case JsonValueKind.Number:
                value = element.GetRawText();
                return true;
            default:
                error = $"{name} must be a string or a number";
                return false;
        }
    }

    /// <summary>A string field; null when absent or JSON null.</summary>
    public static bool TryReadString(JsonElement obj, string name, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            return true;
        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"{name} must be a string";
            return false;
        }
        value = element.GetString();
        return true;
    }

    /// <summary>An optional object field; error when present and not an object.</summary>
    public static bool TryReadObject(JsonElement obj, string name, out JsonElement? value, out string? error)
    {
        value = null;
        error = null;
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            return true;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = $"{name} must be a JSON object";
            return false;
        }
        value = element;
        return true;
    }

    /// <summary>
    /// Serializes a params object: the properties of <paramref name="source"/> (if any), then the extra ones,
    /// which win over a source property of the same name. Null when the result would be empty.
    /// </summary>
    public static string? Params(JsonElement? source, params (string Name, object? Value)[] extra) => Params(source, null, extra);

    /// <summary>As <see cref="Params(JsonElement?, ValueTuple{string, object?}[])"/>, leaving out the source property <paramref name="omit"/>.</summary>
    public static string? Params(JsonElement? source, string? omit, params (string Name, object? Value)[] extra)
    {
        var names = new HashSet<string>(extra.Where(e => e.Value is not null).Select(e => e.Name), StringComparer.Ordinal);
        if (omit is not null) names.Add(omit);
        var buffer = new ArrayBufferWriter<byte>();
        var count = 0;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (source is { ValueKind: JsonValueKind.Object } s)
            {
                foreach (var property in s.EnumerateObject())
                {
                    if (names.Contains(property.Name)) continue;
                    property.WriteTo(writer);
                    count++;
                }
            }
            foreach (var (name, value) in extra)
            {
                if (value is null) continue;
                writer.WritePropertyName(name);
                switch (value)
                {
                    case JsonElement element: element.WriteTo(writer); break;
                    case string text: writer.WriteStringValue(text); break;
                    case bool flag: writer.WriteBooleanValue(flag); break;
                    case double number: writer.WriteNumberValue(number); break;
                    default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                }
                count++;
            }
            writer.WriteEndObject();
        }
        return count == 0 ? null : Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
