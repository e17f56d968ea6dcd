using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Footfall.Events;
using Footfall.Recommendations;
using Footfall.Server.Demo;
using Footfall.Server.Hosting;
using Footfall.Storage;

namespace Footfall.RecsEval;

/// <summary>
/// Feed latency over real HTTP at a given number of stored events: a real server (Kestrel, DuckDB in a temp folder,
/// background refresh on at its default interval) holding a demo shop scaled to the event count; one client asks
/// each feed in turn for random people and items and times every answer.
/// </summary>
public static class LatencyBench
{
    public static async Task<int> RunAsync(int targetEvents, int requestsPerFeed)
    {
        var data = Path.Combine(Path.GetTempPath(), "footfall-recs-bench-" + Guid.NewGuid().ToString("N")[..8]);
        const string url = "http://127.0.0.1:5391";
        var app = FootfallApp.Build(["--data", data, "--urls", url, "--Serilog:MinimumLevel:Default", "Warning"]);
        await app.StartAsync();
        try
        {
            var keys = JsonSerializer.Deserialize<DefaultProject.Keys>(await File.ReadAllTextAsync(Path.Combine(data, DefaultProject.FileName)),
                StoreJson.Options)!;
            var now = EventTime.Now(TimeProvider.System);
            var perPerson = DemoShop.Generate(now, 500, 1).Count / 500.0;
            var events = DemoShop.Generate(now, (int)(targetEvents / perPerson), 42);
            var store = app.Services.GetRequiredService<IEventStore>();
            var load = Stopwatch.StartNew();
            foreach (var chunk in events.Chunk(20_000))
                await store.CommitAsync([new ProjectWrite(keys.Id, chunk, [], [])]);
            Console.WriteLine($"stored {events.Count} events ({events.Count(e => e.Product is not null)} product events, " +
                $"{events.Select(e => e.GuestId).Distinct().Count()} people) in {load.Elapsed.TotalSeconds:F1} s");

            var models = app.Services.GetRequiredService<RecommendationModels>();
            var refreshes = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var model = await models.RefreshAsync(keys.Id);
                refreshes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (i == 0) Console.WriteLine($"model: {model.InteractionCount} interactions, {model.ItemCount} items");
            }
            Console.WriteLine($"refresh (read + build) ms: {string.Join(", ", refreshes.Select(r => r.ToString("F0")))}; " +
                $"GC heap after: {GC.GetTotalMemory(true) / 1_000_000} MB");

            // The same refresh taken apart: the store read alone, then the model build alone from what it returned.
            var options = app.Services.GetRequiredService<RecommendationOptions>();
            var reads = new List<double>();
            var builds = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var at = EventTime.Now(TimeProvider.System);
                var started = Stopwatch.GetTimestamp();
                var set = await store.ReadProductInteractionsAsync(keys.Id, new TimeRange(at.AddDays(-options.HistoryDays), null));
                reads.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                started = Stopwatch.GetTimestamp();
                RecommendationModel.Build(set, at, options);
                builds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            Console.WriteLine($"store read ms: {string.Join(", ", reads.Select(r => r.ToString("F0")))}; " +
                $"model build ms: {string.Join(", ", builds.Select(r => r.ToString("F0")))}");

            using var http = new HttpClient { BaseAddress = new Uri(url) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", keys.SecretKey);
            var random = new Random(3);
            var guests = events.Select(e => e.GuestId!).Distinct().ToArray();
            var products = events.Where(e => e.Product is not null).Select(e => e.Product!).Distinct().ToArray();
            var feeds = new (string Name, Func<string> Path)[]
            {
                ("recently-viewed", () => $"/v1/recommendations/recently-viewed?guestId={guests[random.Next(guests.Length)]}"),
                ("trending", () => $"/v1/recommendations/trending?hours={(random.Next(2) == 0 ? 24 : 72)}"),
                ("trending (category)", () => "/v1/recommendations/trending?category=coffee"),
                ("repeat-purchase", () => $"/v1/recommendations/repeat-purchase?guestId={guests[random.Next(guests.Length)]}"),
                ("also-viewed", () => $"/v1/recommendations/also-viewed?item={products[random.Next(products.Length)]}"),
                ("personal", () => $"/v1/recommendations/personal?guestId={guests[random.Next(guests.Length)]}&limit=10"),
            };
            Console.WriteLine("| feed | requests | p50 ms | p99 ms | max ms |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var (name, path) in feeds)
            {
                for (var i = 0; i < 50; i++)
                    (await http.GetAsync(path())).EnsureSuccessStatusCode();
                var times = new double[requestsPerFeed];
                for (var i = 0; i < requestsPerFeed; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await http.GetAsync(path());
                    await response.Content.ReadAsByteArrayAsync();
                    times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    response.EnsureSuccessStatusCode();
                }
                Array.Sort(times);
                Console.WriteLine($"| {name} | {requestsPerFeed} | {times[requestsPerFeed / 2]:F2} | {times[(int)(requestsPerFeed * 0.99)]:F2} | {times[^1]:F2} |");
            }
            var perf = Stopwatch.StartNew();
            (await http.GetAsync("/v1/recommendations/performance")).EnsureSuccessStatusCode();
            Console.WriteLine($"performance report (after {requestsPerFeed * feeds.Length} responses served): {perf.Elapsed.TotalMilliseconds:F0} ms");
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }
}
