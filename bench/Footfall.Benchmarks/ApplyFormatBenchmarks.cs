using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using DuckDB.NET.Data;
using Footfall.Events;

namespace Footfall.Benchmarks;

/// <summary>
/// Whether log segments in a format DuckDB bulk-loads natively would pay off: the applier moving N events into a
/// 12-column events table through the row appender (the baseline, what the store does today) against writing the
/// same events as a CSV file and <c>COPY ... FROM</c> it (what a CSV segment would save is the write half).
/// One load per invocation into a table emptied in iteration setup.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[WarmupCount(2)]
[IterationCount(8)]
public class ApplyFormatBenchmarks
{
    private string _folder = "";
    private DuckDBConnection? _connection;
    private IReadOnlyList<TrackedEvent> _events = [];

    /// <summary>Events in the load (one applier batch).</summary>
    [Params(10_000, 100_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "footfall-bdn-apply-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _connection = new DuckDBConnection("Data Source=" + Path.Combine(_folder, "apply.duckdb"));
        _connection.Open();
        _events = new Footfall.StoreBench.EventMix(persons: 50_000, start: new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc)).Batch(Events);
    }

    [IterationSetup]
    public void EmptyTable() => Execute("""
        CREATE OR REPLACE TABLE events (key VARCHAR, action VARCHAR, time TIMESTAMP, received_at TIMESTAMP, user_id VARCHAR,
          guest_id VARCHAR, session_id VARCHAR, experience VARCHAR, variant VARCHAR, product VARCHAR, params_json VARCHAR, source VARCHAR)
        """);

    [Benchmark(Baseline = true, Description = "DuckDB appender")]
    public void Appender()
    {
        using var appender = _connection!.CreateAppender("events");
        foreach (var e in _events)
        {
            appender.CreateRow()
                .AppendValue(e.Key).AppendValue(e.Action).AppendValue(e.Time).AppendValue(e.ReceivedAt).AppendValue(e.UserId)
                .AppendValue(e.GuestId).AppendValue(e.SessionId).AppendValue(e.Experience).AppendValue(e.Variant)
                .AppendValue(e.Product).AppendValue(e.ParamsJson).AppendValue(e.Source)
                .EndRow();
        }
    }

    [Benchmark(Description = "CSV file write + COPY FROM")]
    public void CsvCopy()
    {
        var path = Path.Combine(_folder, "batch.csv");
        WriteCsv(path);
        Execute($"COPY events FROM '{path}' (FORMAT csv, HEADER false)");
    }

    [Benchmark(Description = "COPY FROM an existing CSV file")]
    public void CopyOnly() => Execute($"COPY events FROM '{Path.Combine(_folder, "ready.csv")}' (FORMAT csv, HEADER false)");

    [GlobalSetup(Target = nameof(CopyOnly))]
    public void SetupCopyOnly()
    {
        Setup();
        WriteCsv(Path.Combine(_folder, "ready.csv"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private void WriteCsv(string path)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        foreach (var e in _events)
        {
            Field(writer, e.Key);
            Field(writer, e.Action);
            writer.Write(e.Time.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(e.ReceivedAt.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
            writer.Write(',');
            Field(writer, e.UserId);
            Field(writer, e.GuestId);
            Field(writer, e.SessionId);
            Field(writer, e.Experience);
            Field(writer, e.Variant);
            Field(writer, e.Product);
            Field(writer, e.ParamsJson);
            Field(writer, e.Source, last: true);
        }
    }

    // An absent value is an empty unquoted field (NULL to DuckDB); a present one is always quoted.
    private static void Field(StreamWriter writer, string? value, bool last = false)
    {
        if (value is not null)
        {
            writer.Write('"');
            writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
            writer.Write('"');
        }
        writer.Write(last ? '\n' : ',');
    }

    private void Execute(string sql)
    {
        using var command = _connection!.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
