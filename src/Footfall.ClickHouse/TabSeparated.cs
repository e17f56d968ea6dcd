using System.Text;

namespace Footfall.ClickHouse;

/// <summary>ClickHouse's TabSeparated text format: what the store inserts and reads over HTTP.</summary>
internal static class TabSeparated
{
    /// <summary>The null marker.</summary>
    public const string Null = "\\N";

    /// <summary>Appends one field, escaped; null becomes <c>\N</c>.</summary>
    public static void AppendField(StringBuilder sb, string? value)
    {
        if (value is null)
        {
            sb.Append(Null);
            return;
        }
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\0': sb.Append("\\0"); break;
                default: sb.Append(c); break;
            }
        }
    }

    /// <summary>Splits an answer into rows of unescaped fields; <c>\N</c> becomes null.</summary>
    public static List<string?[]> Parse(string text)
    {
        var rows = new List<string?[]>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            rows.Add(Row(line));
        }
        return rows;
    }

    /// <summary>One line's unescaped fields; <c>\N</c> becomes null.</summary>
    public static string?[] Row(string line) => line.Split('\t').Select(f => f == Null ? null : Unescape(f)).ToArray();

    private static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var sb = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            var c = field[i];
            if (c != '\\' || i + 1 == field.Length)
            {
                sb.Append(c);
                continue;
            }
            var next = field[++i];
            sb.Append(next switch
            {
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                '0' => '\0',
                'b' => '\b',
                'f' => '\f',
                _ => next, // \\ \' and anything else stand for the character itself
            });
        }
        return sb.ToString();
    }
}
