using System.Text;

namespace Footfall.ClickHouse;

/// <summary>
/// Literals spliced into SQL. ClickHouse 18.16 has no query parameters (<c>{p:String}</c> came later), so every
/// value goes through <see cref="Quote(string)"/>; nothing else builds SQL from user input.
/// </summary>
internal static class ClickHouseSql
{
    /// <summary>A string literal: backslash and quote escaped, as ClickHouse's lexer reads them.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\'': sb.Append("\\'"); break;
                case '\0': sb.Append("\\0"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('\'').ToString();
    }

    /// <summary>A parenthesised list of string literals for <c>IN</c>; never empty (an empty list matches nothing).</summary>
    public static string List(IEnumerable<string> values)
    {
        var items = values.Select(Quote).ToList();
        return items.Count == 0 ? "('\\0never')" : "(" + string.Join(", ", items) + ")";
    }
}
