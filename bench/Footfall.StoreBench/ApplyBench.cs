using System.Diagnostics;
using Footfall.Experiences;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.StoreBench;

/// <summary>
/// The log applier's store side alone: <see cref="ILogSink.ApplyAsync"/> into a fresh DuckDB file, batch sizes
/// alternated round by round (A B A B), so a noisy machine shows in every size alike. With a memory step, every that
/// many events applied it prints the process's RSS, the GC's committed bytes and DuckDB's buffer by tag
/// (docs/benchmarks.md section 8: what the applier holds while it takes millions of events).
/// </summary>
internal static class ApplyBench
{
    /// <summary>The experience <see cref="EventMix"/> shows impressions of.</summary>
    public static readonly ExperienceDefinition Experience = new()
    {
        ShortUid = "hero", Variants = [new VariantDefinition("0", 50), new VariantDefinition("1", 50)], Metrics = ["product_purchase"], AttributionDays = 30,
    };

    public static async Task RunAsync(string folder, int events, IReadOnlyList<int> batches, int rounds, DateTime start, int? memoryEvery = null)
    {
        Console.WriteLine($"{events:N0} events per run, applied in batches of {string.Join(" / ", batches)}; {rounds} rounds");
        Console.WriteLine("| round | batch | events/s | median apply ms | p99 apply ms |");
        Console.WriteLine("|---|---|---|---|---|");
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var batch in batches)
            {
                var path = Path.Combine(folder, $"apply-{round}-{batch}.duckdb");
                await using (var store = new DuckDbEventStore(path, NullLogger<DuckDbEventStore>.Instance))
                {
                    await store.InitializeAsync();
                    var project = ProjectKeys.NewProjectId();
                    await store.CreateProjectAsync(new Project(project, "bench", "h", start));
                    // A defined experience makes the applier keep its metric's narrow rows and the results rollups.
                    await store.SaveExperienceAsync(project, Experience);
                    var mix = new EventMix(events / 20, start);
                    // Requests of 50 events, as the log holds them; the batch is how many the applier takes at once.
                    // Made before the clock starts; with a memory step, as they are applied instead (a list of them all
                    // would be most of the process's memory).
                    var writes = Enumerable.Range(0, events / 50).Select(_ => new ProjectWrite(project, mix.Batch(50), [], []));
                    if (memoryEvery is null)
                        writes = writes.ToList();
                    var latencies = new List<double>();
                    var total = Stopwatch.StartNew();
                    var position = 0L;
                    foreach (var chunk in writes.Chunk(Math.Max(1, batch / 50)))
                    {
                        var started = Stopwatch.GetTimestamp();
                        await store.ApplyAsync(chunk, chunk.Select(_ => ++position).ToList());
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        if (memoryEvery is { } step && position * 50 / step > (position - chunk.Length) * 50 / step)
                            PrintMemory(path, position * 50);
                    }
                    total.Stop();
                    latencies.Sort();
                    Console.WriteLine($"| {round} | {batch:N0} | {events / total.Elapsed.TotalSeconds:N0} | {latencies[latencies.Count / 2]:F0} | " +
                        $"{latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))]:F0} |");
                }
                foreach (var file in Directory.EnumerateFiles(folder, Path.GetFileName(path) + "*"))
                    File.Delete(file);
            }
        }
    }

    private static void PrintMemory(string path, long applied)
    {
        // A second connection to the file shares the store's database in this process, so it sees its buffer.
        using var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT tag, memory_usage_bytes // 1048576 FROM duckdb_memory() WHERE memory_usage_bytes >= 1048576 ORDER BY 2 DESC";
        using var reader = command.ExecuteReader();
        var tags = new List<string>();
        while (reader.Read())
            tags.Add($"{reader.GetString(0)} {reader.GetInt64(1)} MB");
        var rss = File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmRSS", StringComparison.Ordinal) || l.StartsWith("RssAnon", StringComparison.Ordinal))
            .Select(l => string.Join(' ', l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)));
        Console.WriteLine($"  {applied:N0} applied: {string.Join(", ", rss)}; GC committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576} MB; DuckDB {string.Join(", ", tags)}");
    }
}
