using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Footfall.Events;

/// <summary>
/// The text rule (CONTRACT §3) for every string that enters Footfall: only valid Unicode scalar values (no lone
/// surrogate), no NUL, and no other C0 control character except tab, line feed and carriage return in free text
/// (labels, string values in params and attributes). DuckDB cuts a string at NUL and a lone surrogate poisons every
/// later JSON read, so such text is refused where it enters, never repaired on the way in.
/// </summary>
public static class TextRule
{
    /// <summary>What is wrong with <paramref name="value"/> ("has NUL (U+0000) at character 3"), or null when it is fine.</summary>
    public static string? Problem(ReadOnlySpan<char> value, bool freeText = false)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                i++;
            else if (char.IsSurrogate(c))
                return $"has a lone surrogate (U+{(int)c:X4}) at character {i}";
            else if (c == '\0')
                return $"has NUL (U+0000) at character {i}";
            else if (c < ' ' && !(freeText && c is '\t' or '\n' or '\r'))
                return $"has the control character U+{(int)c:X4} at character {i}";
        }
        return null;
    }

    /// <summary>The refusal naming <paramref name="field"/>, or null when the value is absent or fine.</summary>
    public static string? Check(string field, string? value, bool freeText = false) =>
        value is not null && Problem(value, freeText) is { } problem ? $"{field} {problem}" : null;

    /// <summary>
    /// The first string in a JSON value that breaks the rule, named by its path under <paramref name="path"/>
    /// ("params.tags[2]"); property names are held to the strict rule, string values to the free-text one.
    /// Reads the raw text, so an escape that <see cref="JsonElement.GetString"/> would throw on is reported instead.
    /// </summary>
    public static string? CheckJson(JsonElement element, string path = "") => Breaks(element) ? Describe(element, path) : null;

    // The walk every event takes: no allocation unless a string has escapes. Only a refusal walks again, naming the path.
    private static bool Breaks(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return RawProblem(JsonMarshal.GetRawUtf8Value(element), freeText: true) is not null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (Breaks(item))
                        return true;
                }
                return false;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (RawProblem(JsonMarshal.GetRawUtf8PropertyName(property), freeText: false) is not null || Breaks(property.Value))
                        return true;
                }
                return false;
            default:
                return false;
        }
    }

    private static string? Describe(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return RawProblem(JsonMarshal.GetRawUtf8Value(element), freeText: true) is { } problem ? $"{Name(path)} {problem}" : null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Describe(item, $"{path}[{index++}]") is { } error)
                        return error;
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var rawName = JsonMarshal.GetRawUtf8PropertyName(property);
                    if (RawProblem(rawName, freeText: false) is { } nameProblem)
                        return $"a property name in {Name(path)} {nameProblem}";
                    var name = Encoding.UTF8.GetString(rawName);
                    if (Describe(property.Value, path.Length == 0 ? name : $"{path}.{name}") is { } error)
                        return error;
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>The rule over JSON text (params as they will be stored); the text itself must parse.</summary>
    public static string? CheckJson(string json, string path)
    {
        if (Problem(json, freeText: true) is { } problem)
            return $"{path} {problem}";
        // Without escapes the scan above saw every character, and JSON allows no control character inside a string.
        if (!json.Contains('\\'))
            return null;
        using var document = JsonDocument.Parse(json);
        return CheckJson(document.RootElement, path);
    }

    /// <summary>
    /// Text that can be stored as it is, whatever it held: each character the rule refuses (except tab and line
    /// breaks) is written as a <c>\uXXXX</c> escape, so quarantined input stays readable and never poisons a read.
    /// </summary>
    public static string Escape(string text, out bool escaped)
    {
        escaped = Problem(text, freeText: true) is not null;
        if (!escaped)
            return text;
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                sb.Append(c).Append(text[++i]);
            else if (char.IsSurrogate(c) || (c < ' ' && c is not ('\t' or '\n' or '\r')))
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            else
                sb.Append(c);
        }
        return sb.ToString();
    }

    // The string token's bytes as they are on the wire: escapes are decoded here without throwing, so a lone
    // surrogate written as \ud800 is found like one sent as bytes (which the HTTP edge has already refused).
    private static string? RawProblem(ReadOnlySpan<byte> raw, bool freeText)
    {
        raw = Unquote(raw);
        if (!Utf8.IsValid(raw))
            return "is not valid UTF-8";
        if (raw.IndexOf((byte)'\\') < 0)
            return null; // valid UTF-8 holds only scalar values, and JSON refuses unescaped control characters
        return Problem(Unescape(raw), freeText);
    }

    /// <summary>
    /// The text of a JSON string token or property name as it is in the document (quotes optional), decoded without
    /// throwing: a lone surrogate escape is kept as that character, a byte that is not UTF-8 becomes U+FFFD.
    /// </summary>
    internal static string Unescape(ReadOnlySpan<byte> raw)
    {
        raw = Unquote(raw);
        var chars = new char[raw.Length];
        var length = 0;
        var i = 0;
        while (i < raw.Length)
        {
            if (raw[i] != '\\')
            {
                var next = raw[i..].IndexOf((byte)'\\');
                var run = next < 0 ? raw[i..] : raw.Slice(i, next);
                length += Encoding.UTF8.GetChars(run, chars.AsSpan(length));
                i += run.Length;
                continue;
            }
            var escape = (char)raw[i + 1];
            if (escape == 'u')
            {
                chars[length++] = (char)int.Parse(Encoding.ASCII.GetString(raw.Slice(i + 2, 4)), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                i += 6;
                continue;
            }
            chars[length++] = escape switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', _ => escape };
            i += 2;
        }
        return new string(chars, 0, length);
    }

    /// <summary>The value with every character the free-text rule refuses replaced by U+FFFD, for text read back from a store.</summary>
    internal static string Replace(string value)
    {
        if (Problem(value, freeText: true) is null)
            return value;
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                i++;
            else if (char.IsSurrogate(chars[i]) || (chars[i] < ' ' && chars[i] is not ('\t' or '\n' or '\r')))
                chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    private static ReadOnlySpan<byte> Unquote(ReadOnlySpan<byte> raw) => raw.Length >= 2 && raw[0] == '"' ? raw[1..^1] : raw;

    private static string Name(string path) => path.Length == 0 ? "the value" : path;
}
