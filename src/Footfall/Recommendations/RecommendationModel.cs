using System.Collections.Concurrent;
using Footfall.Identity;
using Footfall.Storage;

namespace Footfall.Recommendations;

/// <summary>
/// One project's recommendation models, built at once from its product interactions and then only read: feeds answer
/// from these arrays in microseconds, and a refresh builds a whole new model and swaps it in.
/// </summary>
public sealed class RecommendationModel
{
    private readonly RecommendationOptions _options;
    private readonly string[] _items;
    private readonly Dictionary<string, int> _itemIndex;
    private readonly string?[] _categoryOf;
    private readonly Dictionary<string, int> _personOf;
    // Every touch and its visit, kept so an erasure can rebuild the model without a person from memory alone.
    private readonly Touch[] _touches;
    private readonly (int Person, long Visit)[] _visits;
    private readonly Touch[][] _historyNewestFirst;
    private readonly (int Item, float Score)[][] _neighbours;
    private readonly long[] _repurchaseTicks;
    private readonly TrendingIndex _trending;
    // Trending depends only on (window, category) once the model is built, so it is computed once per pair.
    private readonly ConcurrentDictionary<(int Hours, string? Category), IReadOnlyList<ScoredItem>> _trendingCache = new();

    /// <summary>When the model was built; trending and decay are relative to it.</summary>
    public DateTime BuiltAt { get; }

    /// <summary>How many interactions it learned from.</summary>
    public int InteractionCount { get; }

    /// <summary>An empty model (a project with no product events yet).</summary>
    public static RecommendationModel Empty(DateTime now, RecommendationOptions options) =>
        Build(new ProductInteractionSet([], new Dictionary<string, long>()), now, options);

    private RecommendationModel(RecommendationOptions options, DateTime builtAt, string[] items, Dictionary<string, int> itemIndex,
        string?[] categoryOf, Dictionary<string, int> personOf, int persons, Touch[] touches, (int, long)[] visits,
        (int Item, float Score)[][]? neighbours = null)
    {
        _options = options;
        BuiltAt = builtAt;
        InteractionCount = touches.Length;
        _items = items;
        _itemIndex = itemIndex;
        _categoryOf = categoryOf;
        _personOf = personOf;
        _touches = touches;
        _visits = visits;
        _historyNewestFirst = GroupByPersonNewestFirst(touches, persons);
        _neighbours = neighbours ?? ItemSimilarity.Build(touches, visits, items.Length, options.MaxItemsPerSession, options.NeighboursPerItem);
        _repurchaseTicks = RepurchaseIntervals.Build(_historyNewestFirst, items.Length, options.MinRepeatGaps);
        var trendingFrom = builtAt.Ticks - TimeSpan.FromHours(options.MaxTrendingHours).Ticks;
        _trending = new TrendingIndex(RecentByTime(touches, trendingFrom));
    }

    /// <summary>Builds every model from <paramref name="set"/> (oldest first) as of <paramref name="now"/>.</summary>
    public static RecommendationModel Build(ProductInteractionSet set, DateTime now, RecommendationOptions options)
    {
        var rows = set.Interactions;
        var itemIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var items = new List<string>();
        var categories = new List<string?>();
        var personIndex = new Dictionary<long, int>();
        var touches = new Touch[rows.Count];
        var visits = new (int, long)[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (!itemIndex.TryGetValue(r.Item, out var item))
            {
                itemIndex[r.Item] = item = items.Count;
                items.Add(r.Item);
                categories.Add(null);
            }
            // The latest category an event named wins: catalogues get re-filed.
            if (r.Category is not null)
                categories[item] = r.Category;
            if (!personIndex.TryGetValue(r.Person, out var person))
                personIndex[r.Person] = person = personIndex.Count;
            touches[i] = new Touch(person, item, r.Time.Ticks, (float)RecommendationOptions.Weight(r.Action), TouchKinds.Of(r.Action));
            // Events without a session are grouped per person and day, the nearest thing to a visit.
            visits[i] = (person, r.Session ?? r.Time.Ticks / TimeSpan.TicksPerDay);
        }
        var personOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (identifier, person) in set.PersonOfIdentifier)
            if (personIndex.TryGetValue(person, out var index))
                personOf[identifier] = index;
        return new RecommendationModel(options, now, items.ToArray(), itemIndex, categories.ToArray(), personOf, personIndex.Count, touches, visits);
    }

    /// <summary>
    /// This model without the persons any of <paramref name="identifierKeys"/> belongs to: their identifiers, their
    /// history and every aggregate they contributed to (trending and repurchase intervals rebuilt from the touches in
    /// memory; item similarity recounted for the items they touched only), so an erasure never waits on the store or
    /// on a full refresh. Returns this model when none of the keys is known to it.
    /// </summary>
    public RecommendationModel WithoutPersons(IEnumerable<string> identifierKeys)
    {
        var removed = new HashSet<int>();
        foreach (var key in identifierKeys)
            if (_personOf.TryGetValue(key, out var person))
                removed.Add(person);
        if (removed.Count == 0)
            return this;
        var personOf = _personOf.Where(p => !removed.Contains(p.Value)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var touches = new List<Touch>(_touches.Length);
        var visits = new List<(int, long)>(_touches.Length);
        // Only the neighbours of what the removed persons touched change: recounted, not the whole model's pairs.
        var touched = new HashSet<int>();
        for (var i = 0; i < _touches.Length; i++)
        {
            if (!removed.Contains(_touches[i].Person))
            {
                touches.Add(_touches[i]);
                visits.Add(_visits[i]);
            }
            else if (_touches[i].Weight > 0)
                touched.Add(_touches[i].Item);
        }
        var keptTouches = touches.ToArray();
        var keptVisits = visits.ToArray();
        var neighbours = ItemSimilarity.Without(_neighbours, touched, keptTouches, keptVisits, _options.MaxItemsPerSession, _options.NeighboursPerItem);
        return new RecommendationModel(_options, BuiltAt, _items, _itemIndex, _categoryOf, personOf, _historyNewestFirst.Length,
            keptTouches, keptVisits, neighbours);
    }

    /// <summary>The touches after <paramref name="fromTicks"/>, in time order (stable: equal times keep row order).</summary>
    private static Touch[] RecentByTime(Touch[] touches, long fromTicks)
    {
        var sorted = true;
        for (var i = 1; i < touches.Length && sorted; i++)
            sorted = touches[i - 1].Ticks <= touches[i].Ticks;
        if (!sorted)
            return touches.Where(t => t.Ticks > fromTicks).OrderBy(t => t.Ticks).ToArray();
        // Rows come oldest first (the store's contract), so the recent ones are a tail: no sort, no filter pass.
        int lo = 0, hi = touches.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (touches[mid].Ticks <= fromTicks) lo = mid + 1; else hi = mid;
        }
        return touches[lo..];
    }

    private static Touch[][] GroupByPersonNewestFirst(Touch[] touches, int persons)
    {
        var counts = new int[persons];
        foreach (var t in touches) counts[t.Person]++;
        var history = new Touch[persons][];
        for (var p = 0; p < persons; p++) history[p] = new Touch[counts[p]];
        // Rows come oldest first; filling each array from its end leaves it newest first.
        foreach (var t in touches) history[t.Person][--counts[t.Person]] = t;
        return history;
    }

    /// <summary>The person's distinct viewed products, most recent view first; score is 1 for the newest, falling by rank.</summary>
    public IReadOnlyList<ScoredItem> RecentlyViewed(Identifier who, int limit)
    {
        if (History(who) is not { } history) return [];
        var seen = new HashSet<int>();
        var list = new List<ScoredItem>();
        foreach (var t in history)
        {
            if (t.Kind != TouchKind.View || !seen.Add(t.Item)) continue;
            list.Add(new ScoredItem(_items[t.Item], 1.0 / (list.Count + 1)));
            if (list.Count == limit) break;
        }
        return list;
    }

    /// <summary>Trending over the last <paramref name="hours"/> before <see cref="BuiltAt"/>, optionally in one category.</summary>
    public IReadOnlyList<ScoredItem> Trending(int hours, string? category, int limit)
    {
        var ranked = _trendingCache.GetOrAdd((hours, category), key => TrendingAt(BuiltAt, key.Hours, key.Category, 200));
        return ranked.Count <= limit ? ranked : ranked.Take(limit).ToList();
    }

    /// <summary>Trending as of any <paramref name="now"/> the model's trending window covers (offline evaluation replays time with it).</summary>
    public IReadOnlyList<ScoredItem> TrendingAt(DateTime now, int hours, string? category, int limit)
    {
        Func<int, bool>? include = category is null ? null : item => string.Equals(_categoryOf[item], category, StringComparison.Ordinal);
        return _trending.Rank(now, hours, include, limit).Select(r => new ScoredItem(_items[r.Item], Math.Round(r.Score, 4))).ToList();
    }

    /// <summary>Products the person bought whose typical repurchase interval is due at <paramref name="now"/>, most due first.</summary>
    public IReadOnlyList<ScoredItem> RepeatPurchase(Identifier who, DateTime now, int limit)
    {
        if (History(who) is not { } history) return [];
        var seen = new HashSet<int>();
        var list = new List<ScoredItem>();
        foreach (var t in history)
        {
            // The first purchase met (newest first) is the last one bought.
            if (t.Kind != TouchKind.Purchase || !seen.Add(t.Item)) continue;
            if (RepurchaseIntervals.Due(t.Ticks, now.Ticks, _repurchaseTicks[t.Item]) is { } score)
                list.Add(new ScoredItem(_items[t.Item], Math.Round(score, 4)));
        }
        return list.OrderByDescending(s => s.Score).ThenBy(s => s.Id, StringComparer.Ordinal).Take(limit).ToList();
    }

    /// <summary>The typical repurchase interval learned for a product, or null when too few repeats were seen.</summary>
    public TimeSpan? RepurchaseInterval(string item) =>
        _itemIndex.TryGetValue(item, out var i) && _repurchaseTicks[i] > 0 ? TimeSpan.FromTicks(_repurchaseTicks[i]) : null;

    /// <summary>Products seen in the same visits as <paramref name="item"/>, by cosine similarity; empty for an unknown item.</summary>
    public IReadOnlyList<ScoredItem> AlsoViewed(string item, int limit) =>
        _itemIndex.TryGetValue(item, out var i)
            ? _neighbours[i].Take(limit).Select(n => new ScoredItem(_items[n.Item], Math.Round(n.Score, 4))).ToList()
            : [];

    /// <summary>
    /// For the person: Σ over their most recent distinct items (weighted by their strongest action and 0.9^recency rank)
    /// of each item's neighbours' similarity. Products they bought and <paramref name="exclude"/> are left out. When that
    /// yields fewer than <paramref name="limit"/>, <paramref name="fallback"/> (trending) fills the rest below them; when it
    /// yields nothing, the answer is the fallback alone and <c>FromFallback</c> is true.
    /// </summary>
    public (IReadOnlyList<ScoredItem> Items, bool FromFallback) Personal(Identifier who, int limit, IReadOnlySet<string> exclude,
        IReadOnlyList<ScoredItem> fallback)
    {
        var history = History(who) ?? [];
        var bought = new HashSet<int>();
        var seeds = new Dictionary<int, double>();
        var order = new List<int>();
        foreach (var t in history)
        {
            if (t.Kind == TouchKind.Purchase) bought.Add(t.Item);
            if (t.Weight <= 0) continue;
            if (seeds.TryGetValue(t.Item, out var w))
                seeds[t.Item] = Math.Max(w, t.Weight);
            else if (order.Count < _options.PersonalSeedItems)
            {
                seeds[t.Item] = t.Weight;
                order.Add(t.Item);
            }
        }
        var scores = new Dictionary<int, double>();
        for (var rank = 0; rank < order.Count; rank++)
        {
            var seedWeight = seeds[order[rank]] * Math.Pow(0.9, rank);
            foreach (var (item, similarity) in _neighbours[order[rank]])
                scores[item] = scores.GetValueOrDefault(item) + seedWeight * similarity;
        }
        var list = scores.Where(s => !bought.Contains(s.Key) && !exclude.Contains(_items[s.Key]))
            .OrderByDescending(s => s.Value).ThenBy(s => s.Key).Take(limit)
            .Select(s => new ScoredItem(_items[s.Key], Math.Round(s.Value, 4))).ToList();
        if (list.Count == limit) return (list, false);
        var fromFallback = list.Count == 0;
        var floor = fromFallback ? 1.0 : list[^1].Score / 2;
        var top = fallback.Count > 0 ? Math.Max(fallback[0].Score, 1e-9) : 1;
        var present = list.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var f in fallback)
        {
            if (list.Count == limit) break;
            if (present.Contains(f.Id) || exclude.Contains(f.Id) || _itemIndex.TryGetValue(f.Id, out var fi) && bought.Contains(fi)) continue;
            // Below every personal item, in trending's own order.
            list.Add(new ScoredItem(f.Id, fromFallback ? f.Score : Math.Round(floor * f.Score / top, 6)));
        }
        return (list, fromFallback);
    }

    private Touch[]? History(Identifier who) =>
        _personOf.TryGetValue(who.Key, out var person) ? _historyNewestFirst[person] : null;
}
