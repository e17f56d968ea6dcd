using System.Text;
using System.Text.Json;

namespace Footfall.Storage;

/// <summary>
/// Writes an event's target (a small map of kind to id) as JSON. Every stored event has one, so this avoids the
/// general serializer's per-call cost on the write path.
/// </summary>
public static class TargetJson
{
    /// <summary>The JSON object text, or null for no target.</summary>
    public static string? Write(IReadOnlyDictionary<string, string>? target)
    {
        if (target is null)
            return null;
        var sb = new StringBuilder(32 * target.Count + 2);
        sb.Append('{');
        var first = true;
        foreach (var (kind, id) in target)
        {
            if (!first) sb.Append(',');
            first = false;
            Quote(sb, kind);
            sb.Append(':');
            Quote(sb, id);
        }
        return sb.Append('}').ToString();
    }

    /// <summary>Reads what <see cref="Write"/> wrote; a target stored before the text rule is read repaired (see <see cref="StoredJson"/>).</summary>
    public static Dictionary<string, string>? Read(string? json)
    {
        if (json is null)
            return null;
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json, StoreJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            var element = StoredJson.Parse(json);
            return element.ValueKind != JsonValueKind.Object ? null : element.EnumerateObject().ToDictionary(
                p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
        }
    }

    private static void Quote(StringBuilder sb, string value)
    {
        // Plain ids need no escaping; anything unusual goes through the encoder that handles every case.
        foreach (var c in value)
        {
            if (c < 0x20 || c is '"' or '\\' || c > 0x7e)
            {
                sb.Append(JsonSerializer.Serialize(value));
                return;
            }
        }
        sb.Append('"').Append(value).Append('"');
    }
}
