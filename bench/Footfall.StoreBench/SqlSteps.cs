using System.Diagnostics;
using DuckDB.NET.Data;

namespace Footfall.StoreBench;

/// <summary>
/// Runs a file of SQL statements (separated by <c>;;</c>) one by one on a DuckDB file and prints each one's time and
/// its first rows: the step-by-step profiles of docs/benchmarks.md section 8 (bench/sql/). <c>{name}</c> in the file is
/// replaced by <c>--set name=value</c>. Give it a copy of a data folder's file: statements may write.
/// </summary>
internal static class SqlSteps
{
    public static void Run(string databaseFile, string sqlFile, IReadOnlyDictionary<string, string> values)
    {
        var sql = File.ReadAllText(sqlFile);
        foreach (var (name, value) in values)
            sql = sql.Replace("{" + name + "}", value, StringComparison.Ordinal);
        using var connection = new DuckDBConnection($"Data Source={databaseFile}");
        connection.Open();
        foreach (var statement in sql.Split(";;", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = string.Join(' ', statement.Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal)));
            if (text.Trim().Length == 0)
                continue;
            var timer = Stopwatch.StartNew();
            using var command = connection.CreateCommand();
            command.CommandText = text;
            using var reader = command.ExecuteReader();
            var rows = 0;
            do
            {
                while (reader.Read())
                {
                    if (rows++ < 30)
                        Console.WriteLine(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : reader.GetValue(i)?.ToString())));
                }
            }
            while (reader.NextResult());
            var head = text.Trim();
            Console.WriteLine($"-- {timer.ElapsedMilliseconds} ms: {head[..Math.Min(90, head.Length)]}");
        }
    }
}
