using System.Diagnostics;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Recommendations;
using Footfall.Server.Demo;
using Footfall.Storage;

namespace Footfall.RecsEval;

/// <summary>
/// Leave-last-purchase-out: for every person with a purchase, everything they did from the start of the visit of
/// their last purchase on is hidden; the model is trained on what remains (everyone), and `personal` and trending
/// (24 h, as of the hidden visit's start) each get 10 slots to name the hidden purchase.
/// </summary>
public static class OfflineEvaluation
{
    public static int Run()
    {
        var now = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var demo = DemoShop.Generate(now, people: 3000, seed: 42)
            .Where(e => e.Product is not null && BuiltInActions.ProductActions.Contains(e.Action))
            .Select(e => new ProductInteraction(long.Parse(e.GuestId![6..]), e.Product!, e.Action, e.Time, null, null,
                e.SessionId is null ? null : e.SessionId.GetHashCode(), null))
            .ToList();
        Evaluate("demo (DemoShop.Generate, 3000 people, seed 42)", demo, now);
        Evaluate("synthetic clusters (4000 people, seed 7)", SyntheticShop.Generate(now, 4000, 7), now);
        return 0;
    }

    private static void Evaluate(string name, List<ProductInteraction> rows, DateTime now)
    {
        // The hidden purchase and the visit it closes.
        var held = new Dictionary<long, (string Item, long? Session, DateTime Time)>();
        foreach (var r in rows)
            if (r.Action == BuiltInActions.Purchase)
                held[r.Person] = (r.Item, r.Session, r.Time);
        var cutoff = new Dictionary<long, DateTime>();
        foreach (var r in rows)
            if (held.TryGetValue(r.Person, out var h) && r.Session == h.Session && !cutoff.ContainsKey(r.Person))
                cutoff[r.Person] = r.Time;
        var training = rows.Where(r => !cutoff.TryGetValue(r.Person, out var c) || r.Time < c).ToList();
        var identifiers = training.Select(r => r.Person).Distinct().ToDictionary(p => Identifier.Guest(p.ToString()).Key, p => p);
        var options = new RecommendationOptions { MaxTrendingHours = 24 * 120 };
        var started = Stopwatch.GetTimestamp();
        var model = RecommendationModel.Build(new ProductInteractionSet(training, identifiers), now, options);
        var buildMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        var personal = new Metrics();
        var trending = new Metrics();
        var warmPersonal = new Metrics();
        var warmTrending = new Metrics();
        foreach (var (person, (item, _, _)) in held)
        {
            var at = cutoff[person];
            var who = Identifier.Guest(person.ToString());
            var popular = model.TrendingAt(at, 24, null, 100);
            var (mine, fromFallback) = model.Personal(who, 10, new HashSet<string>(), popular);
            var baseline = popular.Take(10).ToList();
            personal.Add(mine, item);
            trending.Add(baseline, item);
            if (!fromFallback)
            {
                warmPersonal.Add(mine, item);
                warmTrending.Add(baseline, item);
            }
        }
        Console.WriteLine($"## {name}");
        Console.WriteLine($"interactions {rows.Count}, training {training.Count}, products {rows.Select(r => r.Item).Distinct().Count()}, " +
            $"held-out persons {held.Count} (warm {warmPersonal.Count}); model build {buildMs:F0} ms");
        Console.WriteLine("| set | method | hit rate@10 | NDCG@10 |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| all | personal | {personal.HitRate:F3} | {personal.Ndcg:F3} |");
        Console.WriteLine($"| all | trending 24 h | {trending.HitRate:F3} | {trending.Ndcg:F3} |");
        Console.WriteLine($"| warm (has history) | personal | {warmPersonal.HitRate:F3} | {warmPersonal.Ndcg:F3} |");
        Console.WriteLine($"| warm (has history) | trending 24 h | {warmTrending.HitRate:F3} | {warmTrending.Ndcg:F3} |");
        Console.WriteLine();
    }

    private sealed class Metrics
    {
        private double _hits, _gain;
        public int Count { get; private set; }
        public double HitRate => Count == 0 ? 0 : _hits / Count;
        public double Ndcg => Count == 0 ? 0 : _gain / Count;

        // One relevant item: NDCG is 1 / log2(rank + 1) at its 1-based rank, 0 when absent.
        public void Add(IReadOnlyList<ScoredItem> list, string target)
        {
            Count++;
            for (var i = 0; i < Math.Min(10, list.Count); i++)
            {
                if (list[i].Id != target) continue;
                _hits++;
                _gain += 1 / Math.Log2(i + 2);
                break;
            }
        }
    }
}
