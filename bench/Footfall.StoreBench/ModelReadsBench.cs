using System.Diagnostics;
using Footfall.Recommendations;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.StoreBench;

/// <summary>
/// The reads of a model refresh on an imported DuckDB data folder, each timed in process (no HTTP), with the shape of
/// the default options (90 days, 20 items a visit, 50 neighbours): the item window counted whole (the kept co-visit
/// counts built), then <c>runs</c> times again with nothing new (the part of a refresh that does not shrink with what
/// changed); with an erasure, the model built, then the person's erasure and the model's recount of what they touched;
/// then the purchases and trending touches a refresh also reads. Give it a copy of the folder: the store migrates the
/// file it opens, keeps counts in it, and erases.
/// </summary>
internal static class ModelReadsBench
{
    public static async Task RunAsync(string databaseFile, string projectId, int runs, string? erase, string? memoryLimit)
    {
        await using var store = new DuckDbEventStore(databaseFile, NullLogger<DuckDbEventStore>.Instance, memoryLimit: memoryLimit);
        await store.InitializeAsync();
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
        var latest = await Time("item window, 7,000 new views", () => store.ReadItemWindowAsync(projectId, from.AddMinutes(5), shape));
        if (erase is not null)
        {
            // An erasure as RecommendationModels.ForgetPersonAsync runs it: the person's touches, the store's erasure, the
            // model's recount of what they touched (WindowModel.WithoutAsync), and the co-visit read in it alone.
            var model = await Time("model load (a refresh)", () => WindowModel.LoadAsync(store, projectId, now.AddMinutes(5), new RecommendationOptions()));
            var who = Footfall.Identity.Identifier.User(erase);
            var touches = await Time($"{erase}'s touches", () => store.ReadPersonTouchesAsync(projectId, who, model.From));
            await Time($"erase {erase}", () => store.ErasePersonAsync(projectId, who));
            var touched = touches.Where(t => RecommendationOptions.Weight(t.Action) > 0).Select(t => t.Item).ToHashSet(StringComparer.Ordinal);
            var bought = touches.Where(t => t.Action == Footfall.Events.BuiltInActions.Purchase).Select(t => t.Item).ToHashSet(StringComparer.Ordinal);
            var cut = CoVisitCut.Of(latest.Items, latest.Reach, latest.Neighbours, shape.Neighbours);
            var counts = await Time($"co-visits of the {touched.Count} items they touched (the model's cut)",
                () => store.ReadCoVisitsAsync(projectId, model.From, shape.MaxItemsPerVisit, touched, cut));
            Console.WriteLine($"  {counts.Pairs.Count:N0} pairs");
            var all = await Time("the same, every pair", () => store.ReadCoVisitsAsync(projectId, model.From, shape.MaxItemsPerVisit, touched));
            Console.WriteLine($"  {all.Pairs.Count:N0} pairs");
            var purchased = await Time($"purchases of the {bought.Count} items they bought", () => store.ReadPurchasesAsync(projectId, model.From, bought));
            Console.WriteLine($"  {purchased.Count:N0} purchases");
            await Time($"trending touches of the {touched.Count} items", () => store.ReadRecentTouchesAsync(projectId, model.From, now, 168, touched));
            var erased = ErasedShare.Of(touches);
            Console.WriteLine($"  {erased.Repurchased.Count} items bought again, {erased.TouchedAfter(model.BuiltAt.AddHours(-168)).Count} touched in the last 168 h");
            await Time("the model without them", () => model.WithoutAsync(erased));
        }
        var purchases = await Time("purchases", () => store.ReadPurchasesAsync(projectId, from, items: null));
        Console.WriteLine($"  {purchases.Count:N0} purchases");
        var recent = await Time("trending touches (168 h)", () => store.ReadRecentTouchesAsync(projectId, from, now, 168, items: null));
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
