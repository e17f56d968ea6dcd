using System.Diagnostics;
using Footfall.Experiences;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.StoreBench;

/// <summary>
/// Experience results and the timeline of an imported DuckDB data folder, timed in process (no HTTP): the four
/// experiences <c>Footfall.DataGen</c> writes are saved (as bench/memory-and-latency.sh does), then each query runs
/// <c>runs</c> times one after another. Give it a copy of the folder: the store migrates the file it opens.
/// </summary>
internal static class ResultsBench
{
    public static async Task RunAsync(string databaseFile, string projectId, int runs)
    {
        var opened = Stopwatch.StartNew();
        await using var store = new DuckDbEventStore(databaseFile, NullLogger<DuckDbEventStore>.Instance);
        await store.InitializeAsync();
        Console.WriteLine($"open (and migrate): {opened.Elapsed.TotalMilliseconds:F0} ms");
        var saved = Stopwatch.StartNew();
        var experiences = Enumerable.Range(1, 4).Select(e => new ExperienceDefinition
        {
            ShortUid = $"exp-{e}",
            Variants = [.. Enumerable.Range(0, e % 2 == 0 ? 3 : 2).Select(v => new VariantDefinition(v.ToString(System.Globalization.CultureInfo.InvariantCulture), 50))],
            Metrics = ["product_purchase"],
            AttributionDays = 30,
        }).ToList();
        foreach (var experience in experiences)
            await store.SaveExperienceAsync(projectId, experience);
        Console.WriteLine($"save 4 experiences: {saved.Elapsed.TotalMilliseconds:F0} ms");
        var last30Days = new TimeRange(new DateTime(2026, 10, 31, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc));
        var first = experiences[0];
        await TimeAsync("results exp-1, all time", runs, () => store.CountExperienceAsync(projectId, first, TimeRange.All));
        await TimeAsync("results exp-1, last 30 days", runs, () => store.CountExperienceAsync(projectId, first, last30Days));
        await TimeAsync("timeline exp-1, all time", runs, () => store.ExperienceTimelineAsync(projectId, first, "product_purchase", TimeRange.All));
        await TimeAsync("experience definitions (each results request reads them)", runs, () => store.ListExperiencesAsync(projectId));
        var counts = await store.CountExperienceAsync(projectId, first, TimeRange.All);
        await TimeAsync("posterior and SRM of exp-1's counts (ExperienceResults.Compute)", runs, () => Task.FromResult(ExperienceResults.Compute(first, counts)));
        Console.WriteLine("exp-1: " + string.Join("; ", counts.Select(c =>
            $"{c.Variant}: {c.Impressions} exposed, {c.Metrics.GetValueOrDefault("product_purchase").Conversions} conversions by {c.Metrics.GetValueOrDefault("product_purchase").ConvertedUsers}")));
    }

    private static async Task TimeAsync<T>(string what, int runs, Func<Task<T>> query)
    {
        await query(); // warms DuckDB's buffers
        var timings = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var started = Stopwatch.GetTimestamp();
            await query();
            timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        timings.Sort();
        Console.WriteLine($"{what}: p50 {timings[timings.Count / 2]:F1} ms, p99 {timings[Math.Min(timings.Count - 1, (int)(timings.Count * 0.99))]:F1} ms ({runs} runs)");
    }
}
