using System.Diagnostics;
using Footfall.Experiences;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.StoreBench;

/// <summary>
/// The log applier's store side alone: <see cref="ILogSink.ApplyAsync"/> into a fresh DuckDB file, batch sizes
/// alternated round by round (A B A B), so a noisy machine shows in every size alike.
/// </summary>
internal static class ApplyBench
{
    /// <summary>The experience <see cref="EventMix"/> shows impressions of.</summary>
    public static readonly ExperienceDefinition Experience = new()
    {
        ShortUid = "hero", Variants = [new VariantDefinition("0", 50), new VariantDefinition("1", 50)], Metrics = ["product_purchase"], AttributionDays = 30,
    };

    public static async Task RunAsync(string folder, int events, IReadOnlyList<int> batches, int rounds, DateTime start)
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
                    var writes = Enumerable.Range(0, events / 50).Select(_ => new ProjectWrite(project, mix.Batch(50), [], [])).ToList();
                    var latencies = new List<double>();
                    var total = Stopwatch.StartNew();
                    var position = 0L;
                    foreach (var chunk in writes.Chunk(Math.Max(1, batch / 50)))
                    {
                        var started = Stopwatch.GetTimestamp();
                        await store.ApplyAsync(chunk, chunk.Select(_ => ++position).ToList());
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
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
}
