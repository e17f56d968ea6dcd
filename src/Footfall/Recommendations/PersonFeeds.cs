namespace Footfall.Recommendations;

/// <summary>
/// The rules of each feed over a person's touches (newest first) and a catalogue: one definition, used by the model
/// built from every interaction and by the one that reads persons from the store.
/// </summary>
internal static class PersonFeeds
{
    /// <summary>The person's distinct viewed products, most recent view first; score is 1 for the newest, falling by rank.</summary>
    public static IReadOnlyList<ScoredItem> RecentlyViewed(ItemCatalogue items, IReadOnlyList<Touch> history, int limit)
    {
        var seen = new HashSet<int>();
        var list = new List<ScoredItem>();
        foreach (var t in history)
        {
            if (t.Kind != TouchKind.View || !seen.Add(t.Item)) continue;
            list.Add(new ScoredItem(items.Name(t.Item), 1.0 / (list.Count + 1)));
            if (list.Count == limit) break;
        }
        return list;
    }

    /// <summary>Products the person bought whose typical repurchase interval is due at <paramref name="now"/>, most due first.</summary>
    public static IReadOnlyList<ScoredItem> RepeatPurchase(ItemCatalogue items, IReadOnlyList<Touch> history, DateTime now, int limit)
    {
        var seen = new HashSet<int>();
        var list = new List<ScoredItem>();
        foreach (var t in history)
        {
            // The first purchase met (newest first) is the last one bought.
            if (t.Kind != TouchKind.Purchase || !seen.Add(t.Item)) continue;
            if (RepurchaseIntervals.Due(t.Ticks, now.Ticks, items.RepurchaseTicks[t.Item]) is { } score)
                list.Add(new ScoredItem(items.Name(t.Item), Math.Round(score, 4)));
        }
        return list.OrderByDescending(s => s.Score).ThenBy(s => s.Id, StringComparer.Ordinal).Take(limit).ToList();
    }

    /// <summary>Products seen in the same visits as <paramref name="item"/>, by cosine similarity; empty for an unknown item.</summary>
    public static IReadOnlyList<ScoredItem> AlsoViewed(ItemCatalogue items, string item, int limit) =>
        items.TryIndex(item, out var i)
            ? items.Neighbours[i].Take(limit).Select(n => new ScoredItem(items.Name(n.Item), Math.Round(n.Score, 4))).ToList()
            : [];

    /// <summary>The best <paramref name="limit"/> of trending <paramref name="scores"/>, optionally of one category.</summary>
    public static IReadOnlyList<ScoredItem> Trending(ItemCatalogue items, IEnumerable<KeyValuePair<int, double>> scores, string? category, int limit) =>
        TrendingIndex.Order(category is null ? scores : scores.Where(s => items.InCategory(s.Key, category)), limit)
            .Select(r => new ScoredItem(items.Name(r.Item), Math.Round(r.Score, 4))).ToList();

    /// <summary>
    /// For the person: Σ over their most recent distinct items (weighted by their strongest action and 0.9^recency rank)
    /// of each item's neighbours' similarity. Products they bought and <paramref name="exclude"/> are left out. When that
    /// yields fewer than <paramref name="limit"/>, <paramref name="fallback"/> (trending) fills the rest below them; when it
    /// yields nothing, the answer is the fallback alone and <c>FromFallback</c> is true.
    /// </summary>
    public static (IReadOnlyList<ScoredItem> Items, bool FromFallback) Personal(ItemCatalogue items, int seedItems, IReadOnlyList<Touch> history,
        int limit, IReadOnlySet<string> exclude, IReadOnlyList<ScoredItem> fallback)
    {
        var bought = new HashSet<int>();
        var seeds = new Dictionary<int, double>();
        var order = new List<int>();
        foreach (var t in history)
        {
            if (t.Kind == TouchKind.Purchase) bought.Add(t.Item);
            if (t.Weight <= 0) continue;
            if (seeds.TryGetValue(t.Item, out var w))
                seeds[t.Item] = Math.Max(w, t.Weight);
            else if (order.Count < seedItems)
            {
                seeds[t.Item] = t.Weight;
                order.Add(t.Item);
            }
        }
        var scores = new Dictionary<int, double>();
        for (var rank = 0; rank < order.Count; rank++)
        {
            var seedWeight = seeds[order[rank]] * Math.Pow(0.9, rank);
            foreach (var (item, similarity) in items.Neighbours[order[rank]])
                scores[item] = scores.GetValueOrDefault(item) + seedWeight * similarity;
        }
        var list = scores.Where(s => !bought.Contains(s.Key) && !exclude.Contains(items.Name(s.Key)))
            .OrderByDescending(s => s.Value).ThenBy(s => s.Key).Take(limit)
            .Select(s => new ScoredItem(items.Name(s.Key), Math.Round(s.Value, 4))).ToList();
        if (list.Count == limit) return (list, false);
        var fromFallback = list.Count == 0;
        var floor = fromFallback ? 1.0 : list[^1].Score / 2;
        var top = fallback.Count > 0 ? Math.Max(fallback[0].Score, 1e-9) : 1;
        var present = list.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var f in fallback)
        {
            if (list.Count == limit) break;
            if (present.Contains(f.Id) || exclude.Contains(f.Id) || items.TryIndex(f.Id, out var fi) && bought.Contains(fi)) continue;
            // Below every personal item, in trending's own order.
            list.Add(new ScoredItem(f.Id, fromFallback ? f.Score : Math.Round(floor * f.Score / top, 6)));
        }
        return (list, fromFallback);
    }
}
