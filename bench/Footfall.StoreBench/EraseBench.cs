using System.Diagnostics;
using Footfall.Identity;
using Footfall.Projects;
using Footfall.Storage;

namespace Footfall.StoreBench;

/// <summary>
/// What erasing one person costs at scale: the erase call itself, and for a store that makes erasure physical at
/// shutdown (DuckDB), the shutdown with and without an erasure pending, and the file size before and after.
/// </summary>
internal static class EraseBench
{
    public static async Task RunAsync(string name, Func<IEventStore> create, int events, int batch, int erasures, DateTime start, string? file)
    {
        var project = ProjectKeys.NewProjectId();
        var mix = new EventMix(events / 20, start);
        var store = create();
        await store.InitializeAsync();
        await store.CreateProjectAsync(new Project(project, "bench", "h", start));
        var ingest = Stopwatch.StartNew();
        for (var done = 0; done < events; done += batch)
            await store.CommitAsync([new ProjectWrite(project, mix.Batch(Math.Min(batch, events - done)), [], [])]);
        ingest.Stop();
        var plainShutdown = await TimedAsync(() => store.DisposeAsync().AsTask());
        var sizeBefore = file is null ? 0 : new FileInfo(file).Length;
        store = create();
        var restart = await TimedAsync(() => store.InitializeAsync());

        var times = new List<double>();
        long erased = 0;
        // Persons 0, 20, 40, ...: a fifth of them signed in, so some erasures also follow a link.
        for (var i = 0; i < erasures; i++)
        {
            var sw = Stopwatch.StartNew();
            erased += await store.ErasePersonAsync(project, Identifier.Guest("g" + (i * 20)));
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var erasedShutdown = await TimedAsync(() => store.DisposeAsync().AsTask());
        var sizeAfter = file is null ? 0 : new FileInfo(file).Length;
        Console.WriteLine($"| {name} | {events:N0} | {ingest.Elapsed.TotalSeconds:N0} s | {erasures} persons, {erased:N0} events | " +
            $"{times[times.Count / 2]:N0} ms ({times[0]:N0}..{times[^1]:N0}) | {plainShutdown:N1} s | {erasedShutdown:N1} s | {restart:N1} s | " +
            (file is null ? "- |" : $"{sizeBefore / 1e6:N0} -> {sizeAfter / 1e6:N0} MB |"));
    }

    private static async Task<double> TimedAsync(Func<Task> action)
    {
        var sw = Stopwatch.StartNew();
        await action();
        return sw.Elapsed.TotalSeconds;
    }
}
