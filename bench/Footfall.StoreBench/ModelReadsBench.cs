using System.Diagnostics;
using System.Globalization;
using Footfall.Recommendations;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.StoreBench;

/// <summary>
/// The reads of a model refresh on an imported DuckDB data folder, each timed in process (no HTTP), with the shape of
/// the default options (90 days, 20 items a visit, 50 neighbours): the item window counted whole (the kept co-visit
/// counts built), then <c>runs</c> times again with nothing new (the part of a refresh that does not shrink with what
/// changed); with erasures (comma-separated user ids), the model built, then each person's erasure and the model's recount of what they touched;
/// then the purchases and trending touches a refresh also reads. Give it a copy of the folder: the store migrates the
/// file it opens, keeps counts in it, and erases.
/// </summary>
internal static class ModelReadsBench
{
    public static async Task RunAsync(string databaseFile, string projectId, int runs, string? erase, string? memoryLimit)
    {
        await using var store = new DuckDbEventStore(databaseFile, NullLogger<DuckDbEventStore>.Instance, memoryLimit: memoryLimit);
        var opening = Stopwatch.StartNew();
        await store.InitializeAsync();
        Console.WriteLine($"open (migrations, index catch-up): {opening.Elapsed.TotalMilliseconds:F0} ms");
        var now = DateTime.UtcNow;
        var from = now.AddDays(-90);
        var shape = new ItemWindowShape(20, 50);
        var window = await Time("item window, counted whole", () => store.ReadItemWindowAsync(projectId, from, shape));
        Console.WriteLine($"  {window.Items.Count:N0} items, {window.Interactions:N0} interactions, {window.Reach.Sum():N0} visit items");
        for (var r = 1; r <= runs; r++)
        {
            var later = from.AddSeconds(r);
            await Time("item window, nothing new", () => store.ReadItemWindowAsync(projectId, later, shape));
        }
        // Five minutes of a shop with 2M events a day: 7,000 product views by 1,400 guests in 5-view visits, then a refresh.
        var random = new Random(1);
        var views = Enumerable.Range(0, 7_000).Select(i => new Footfall.Events.TrackedEvent
        {
            Action = Footfall.Events.BuiltInActions.ProductView, Time = now.AddSeconds(-i % 300), ReceivedAt = now,
            GuestId = $"bench-g{i / 5}", SessionId = $"bench-s{i / 5}",
            Target = new Dictionary<string, string> { ["product"] = $"sku-{random.Next(20_000)}" },
        }).ToList();
        await store.CommitAsync([new ProjectWrite(projectId, views, [], [])]);
        // The kept window starts here from now on.
        var keptFrom = from.AddMinutes(5);
        var latest = await Time("item window, 7,000 new views", () => store.ReadItemWindowAsync(projectId, keptFrom, shape));
        if (erase is not null)
        {
            // Erasures as RecommendationModels.ForgetPersonAsync runs them, one person after another: the person's
            // touches, the store's erasure, the model's recount of what they touched (WindowModel.WithoutAsync, its own
            // count of the erased person included); then its reads alone again, for where the time goes.
            var model = await Time("model load (a refresh)", () => WindowModel.LoadAsync(store, projectId, now.AddMinutes(5), new RecommendationOptions()));
            var cut = CoVisitCut.Of(latest.Items, latest.Reach, latest.Neighbours, shape.Neighbours);
            foreach (var user in erase.Split(','))
            {
                var who = Footfall.Identity.Identifier.User(user);
                var timer = Stopwatch.StartNew();
                var touches = await Time($"{user}'s touches", () => store.ReadPersonTouchesAsync(projectId, who, model.From));
                await Time($"erase {user}", () => store.ErasePersonAsync(projectId, who));
                var erased = ErasedShare.Of(touches);
                var recentItems = erased.TouchedAfter(model.BuiltAt.AddHours(-168));
                Console.WriteLine($"  {erased.Touched.Count} items touched, {erased.Repurchased.Count} bought again, {recentItems.Count} touched in the last 168 h");
                model = await Time("the model without them", () => model.WithoutAsync(erased));
                Console.WriteLine($"erasure of {user}, in all: {timer.Elapsed.TotalMilliseconds:F0} ms");
                var touched = erased.Touched.Keys.ToList();
                // Five times: one read's time varies by a fifth or more on this box.
                var times = new List<double>();
                CoVisitCounts? counts = null;
                for (var i = 0; i < 5; i++)
                {
                    var read = Stopwatch.StartNew();
                    counts = await store.ReadCoVisitsAsync(projectId, model.From, shape.MaxItemsPerVisit, touched, cut);
                    times.Add(read.Elapsed.TotalMilliseconds);
                }
                Console.WriteLine($"  again: co-visits of the {touched.Count} items (the model's cut), 5 times: median {times.Order().ElementAt(2):F0} ms " +
                    $"({string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}), {counts!.Pairs.Count:N0} pairs");
                var purchased = await Time($"  again: purchases of the {erased.Repurchased.Count} items bought again",
                    () => store.ReadPurchasesAsync(projectId, model.From, erased.Repurchased));
                Console.WriteLine($"  {purchased.Count:N0} purchases");
                await Time($"  again: trending touches of the {recentItems.Count} items", () => store.ReadRecentTouchesAsync(projectId, model.From, now, 168, recentItems));
            }
        }
        // From the kept window's start, as a refresh reads them: from an older one, the purchases are read from the
        // touches (which ran out of the 384MB buffer at 100M events after the erasures), not from model_purchases.
        var purchases = await Time("purchases", () => store.ReadPurchasesAsync(projectId, keptFrom, items: null));
        Console.WriteLine($"  {purchases.Count:N0} purchases");
        var recent = await Time("trending touches (168 h)", () => store.ReadRecentTouchesAsync(projectId, keptFrom, now, 168, items: null));
        Console.WriteLine($"  {recent.Count:N0} touches");
    }

    private static async Task<T> Time<T>(string name, Func<Task<T>> read)
    {
        var timer = Stopwatch.StartNew();
        var result = await read();
        Console.WriteLine($"{name}: {timer.Elapsed.TotalMilliseconds:F0} ms");
        return result;
    }
}
