using Footfall.Events;
using Footfall.Storage;

namespace Footfall.Recommendations;

/// <summary>
/// What an erased person's touches can have changed in a model, taken from their touches before the store forgets them:
/// the items they touched with weight (each with its newest such touch), whose co-visits change and, where that touch is
/// recent enough, whose trending scores change; and the items they bought twice or more, whose repurchase intervals
/// change (one purchase of an item makes no gap, <see cref="RepurchaseIntervals"/>). Only those are read again: at 100M
/// events the purchases of every item an active person bought took 1.12 s of an erasure (docs/benchmarks.md §8).
/// </summary>
public sealed class ErasedShare
{
    private ErasedShare(IReadOnlyDictionary<string, DateTime> touched, IReadOnlyCollection<string> repurchased)
    {
        Touched = touched;
        Repurchased = repurchased;
    }

    /// <summary>The items touched with weight, each with the newest such touch.</summary>
    public IReadOnlyDictionary<string, DateTime> Touched { get; }

    /// <summary>The items bought more than once.</summary>
    public IReadOnlyCollection<string> Repurchased { get; }

    /// <summary>The share of a person with <paramref name="touches"/> (every touch the models could have counted).</summary>
    public static ErasedShare Of(IEnumerable<PersonTouch> touches)
    {
        var touched = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var purchases = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in touches)
        {
            if (RecommendationOptions.Weight(t.Action) > 0 && (!touched.TryGetValue(t.Item, out var newest) || t.Time > newest))
                touched[t.Item] = t.Time;
            if (t.Action == BuiltInActions.Purchase)
                purchases[t.Item] = purchases.GetValueOrDefault(t.Item) + 1;
        }
        return new ErasedShare(touched, purchases.Where(p => p.Value > 1).Select(p => p.Key).ToList());
    }

    /// <summary>The share of several persons erased together: what any of them touched (each item's newest touch), and bought again.</summary>
    public static ErasedShare Of(IReadOnlyList<ErasedShare> shares)
    {
        if (shares.Count == 1)
            return shares[0];
        var touched = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var (item, time) in shares.SelectMany(s => s.Touched))
            if (!touched.TryGetValue(item, out var newest) || time > newest)
                touched[item] = time;
        return new ErasedShare(touched, shares.SelectMany(s => s.Repurchased).Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>The touched items with a touch after <paramref name="start"/>: the only ones whose trending from then on changes.</summary>
    public IReadOnlyCollection<string> TouchedAfter(DateTime start) =>
        Touched.Where(t => t.Value > start).Select(t => t.Key).ToList();
}
