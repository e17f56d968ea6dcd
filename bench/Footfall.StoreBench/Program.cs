using System.Diagnostics;
using System.Globalization;
using Footfall.ClickHouse;
using Footfall.Experiences;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.StoreBench;
using Microsoft.Extensions.Logging.Abstractions;

// Usage: dotnet run -c Release --project bench/Footfall.StoreBench -- --apply 10000,50000 [--events N] [--runs R] [--memory-every N] (DuckDB applier only)
//        dotnet run -c Release --project bench/Footfall.StoreBench -- --clickhouse "Host=..;Port=..;Database=bench" [--events 1000000] [--batch 5000] [--runs 5]
//        add --erase N to measure erasing N persons (one at a time) instead of experience results.
//        dotnet run -c Release --project bench/Footfall.StoreBench -- --results COPY/footfall.duckdb --project ID [--runs 50] (an imported folder's results)
//        dotnet run -c Release --project bench/Footfall.StoreBench -- --model-reads COPY/footfall.duckdb --project ID [--runs 5] [--erase USER_ID[,USER_ID...]] [--memory 384MB] (a refresh's reads)
//        dotnet run -c Release --project bench/Footfall.StoreBench -- --sql bench/sql/FILE.sql --db COPY/footfall.duckdb [--set name=value] (timed steps)
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal) && x.a != "--set")
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
var events = int.Parse(options.GetValueOrDefault("events", "1000000"), CultureInfo.InvariantCulture);
var batch = int.Parse(options.GetValueOrDefault("batch", "5000"), CultureInfo.InvariantCulture);
var runs = int.Parse(options.GetValueOrDefault("runs", "5"), CultureInfo.InvariantCulture);
var start = new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);
if (options.TryGetValue("apply", out var applyBatches))
{
    // The log applier's store side (DuckDB only): --apply 10000,50000,130000 [--events N] [--runs R] [--memory-every N]
    var memoryEvery = options.TryGetValue("memory-every", out var every) ? int.Parse(every, CultureInfo.InvariantCulture) : (int?)null;
    var applyFolder = Path.Combine(Path.GetTempPath(), "footfall-apply-" + Guid.NewGuid().ToString("N")[..8]);
    Directory.CreateDirectory(applyFolder);
    await ApplyBench.RunAsync(applyFolder, events, [.. applyBatches.Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture))], runs, start, memoryEvery);
    Directory.Delete(applyFolder, recursive: true);
    return;
}
if (options.TryGetValue("sql", out var sqlFile))
{
    // --set repeats, so it is read from args (the options dictionary leaves it out).
    var values = args.Select((a, i) => (a, i)).Where(x => x.a == "--set" && x.i + 1 < args.Length)
        .Select(x => args[x.i + 1].Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
    SqlSteps.Run(options.GetValueOrDefault("db") ?? throw new ArgumentException("--db COPY/footfall.duckdb is required"), sqlFile, values);
    return;
}
if (options.TryGetValue("model-reads", out var modelFile))
{
    await ModelReadsBench.RunAsync(modelFile, options.GetValueOrDefault("project") ?? throw new ArgumentException("--project ID is required"), runs,
        options.GetValueOrDefault("erase"), options.GetValueOrDefault("memory"));
    return;
}
if (options.TryGetValue("results", out var databaseFile))
{
    await ResultsBench.RunAsync(databaseFile, options.GetValueOrDefault("project") ?? throw new ArgumentException("--project ID is required"), runs);
    return;
}
var clickhouse = options.GetValueOrDefault("clickhouse") ?? throw new ArgumentException("--clickhouse \"Host=...;Port=...;Database=...\" is required");
var folder = Path.Combine(Path.GetTempPath(), "footfall-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(folder);

var stores = new (string Name, Func<IEventStore> Create)[]
{
    ("DuckDB", () => new DuckDbEventStore(Path.Combine(folder, "bench.duckdb"), NullLogger<DuckDbEventStore>.Instance)),
    ("ClickHouse", () => new ClickHouseEventStore(clickhouse, NullLogger<ClickHouseEventStore>.Instance)),
};
var experience = ApplyBench.Experience;
if (options.TryGetValue("erase", out var erase))
{
    Console.WriteLine("| store | events | ingest | erased | erase one person, median (min..max) | shutdown | shutdown after erasure | restart | file |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
    for (var s = 0; s < stores.Length; s++)
        await EraseBench.RunAsync(stores[s].Name, stores[s].Create, events, batch, int.Parse(erase, CultureInfo.InvariantCulture), start,
            s == 0 ? Path.Combine(folder, "bench.duckdb") : null);
    Directory.Delete(folder, recursive: true);
    return;
}
Console.WriteLine($"{events:N0} events in batches of {batch}, {events / 20:N0} persons; results median of {runs} runs");
Console.WriteLine("| store | ingest events/s | ingest total | results median | results min..max | impressions v0 | conversions v0 |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var (name, create) in stores)
{
    await using var store = create();
    await store.InitializeAsync();
    var project = ProjectKeys.NewProjectId();
    await store.CreateProjectAsync(new Project(project, "bench", "h", start));
    var mix = new EventMix(events / 20, start);
    var ingest = Stopwatch.StartNew();
    for (var done = 0; done < events; done += batch)
        await store.CommitAsync([new ProjectWrite(project, mix.Batch(Math.Min(batch, events - done)), [], [])]);
    ingest.Stop();
    var timings = new List<double>();
    IReadOnlyList<VariantCounts> counts = [];
    for (var r = 0; r <= runs; r++)
    {
        var sw = Stopwatch.StartNew();
        counts = await store.CountExperienceAsync(project, experience, TimeRange.All);
        if (r > 0) timings.Add(sw.Elapsed.TotalMilliseconds); // run 0 warms caches
    }
    timings.Sort();
    var v0 = counts.Single(c => c.Variant == "0");
    Console.WriteLine($"| {name} | {events / ingest.Elapsed.TotalSeconds:N0} | {ingest.Elapsed.TotalSeconds:N1} s | {timings[timings.Count / 2]:N0} ms | " +
        $"{timings[0]:N0}..{timings[^1]:N0} ms | {v0.Impressions:N0} | {v0.Metrics["product_purchase"].Conversions:N0} |");
}
Directory.Delete(folder, recursive: true);
