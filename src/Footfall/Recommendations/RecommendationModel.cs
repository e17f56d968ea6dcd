using System.Collections.Concurrent;
using Footfall.Identity;
using Footfall.Storage;

namespace Footfall.Recommendations;

/// <summary>
/// The definition of every feed: one project's recommendation models built at once from every product interaction of a
/// window. The server serves <see cref="WindowModel"/>, which reads the same numbers from the store's aggregates and
/// persons on demand; this model is its oracle in tests and what offline evaluation replays time with.
/// </summary>
public sealed class RecommendationModel
{
    private readonly RecommendationOptions _options;
    private readonly ItemCatalogue _items;
    private readonly Dictionary<string, int> _personOf;
    private readonly Touch[][] _historyNewestFirst;
    private readonly TrendingIndex _trending;
    // Trending depends only on (window, category) once the model is built, so it is computed once per pair.
    private readonly ConcurrentDictionary<(int Hours, string? Category), IReadOnlyList<ScoredItem>> _trendingCache = new();

    /// <summary>When the model was built; trending and decay are relative to it.</summary>
    public DateTime BuiltAt { get; }

    /// <summary>How many interactions it learned from.</summary>
    public int InteractionCount { get; }

    /// <summary>The items in the order ties between them are broken.</summary>
    internal IReadOnlyList<string> ItemOrder => Enumerable.Range(0, _items.Count).Select(_items.Name).ToList();

    private RecommendationModel(RecommendationOptions options, DateTime builtAt, InternedInteractions interned, Dictionary<string, int> personOf)
    {
        _options = options;
        BuiltAt = builtAt;
        InteractionCount = interned.Touches.Length;
        _personOf = personOf;
        _historyNewestFirst = GroupByPersonNewestFirst(interned.Touches, interned.PersonIndex.Count);
        var itemCount = interned.Items.Count;
        _items = new ItemCatalogue(interned.Items, interned.Categories,
            ItemSimilarity.Build(interned.Touches, interned.Visits, itemCount, options.MaxItemsPerSession, options.NeighboursPerItem),
            RepurchaseIntervals.Build(_historyNewestFirst, itemCount, options.MinRepeatGaps));
        var trendingFrom = builtAt.Ticks - TimeSpan.FromHours(options.MaxTrendingHours).Ticks;
        _trending = new TrendingIndex(interned.Touches.Where(t => t.Ticks > trendingFrom).ToArray());
    }

    /// <summary>
    /// Builds every model from <paramref name="set"/> (oldest first) as of <paramref name="now"/>. Ties between items go
    /// to the earlier first interaction, or to the earlier in <paramref name="itemOrder"/> when given: a served model
    /// keeps its refresh's order through an erasure, so the definition it is held to after one keeps it too.
    /// </summary>
    public static RecommendationModel Build(ProductInteractionSet set, DateTime now, RecommendationOptions options, IReadOnlyList<string>? itemOrder = null)
    {
        var interned = InternedInteractions.From(set, itemOrder);
        var personOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (identifier, person) in set.PersonOfIdentifier)
            if (interned.PersonIndex.TryGetValue(person, out var index))
                personOf[identifier] = index;
        return new RecommendationModel(options, now, interned, personOf);
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
    public IReadOnlyList<ScoredItem> RecentlyViewed(Identifier who, int limit) => PersonFeeds.RecentlyViewed(_items, History(who), limit);

    /// <summary>Trending over the last <paramref name="hours"/> before <see cref="BuiltAt"/>, optionally in one category.</summary>
    public IReadOnlyList<ScoredItem> Trending(int hours, string? category, int limit)
    {
        var ranked = _trendingCache.GetOrAdd((hours, category), key => TrendingAt(BuiltAt, key.Hours, key.Category, WindowModel.TrendingKept));
        return ranked.Count <= limit ? ranked : ranked.Take(limit).ToList();
    }

    /// <summary>Trending as of any <paramref name="now"/> the model's trending window covers (offline evaluation replays time with it).</summary>
    public IReadOnlyList<ScoredItem> TrendingAt(DateTime now, int hours, string? category, int limit) =>
        PersonFeeds.Trending(_items, _trending.Scores(now, hours, include: null), category, limit);

    /// <summary>Products the person bought whose typical repurchase interval is due at <paramref name="now"/>, most due first.</summary>
    public IReadOnlyList<ScoredItem> RepeatPurchase(Identifier who, DateTime now, int limit) => PersonFeeds.RepeatPurchase(_items, History(who), now, limit);

    /// <summary>The typical repurchase interval learned for a product, or null when too few repeats were seen.</summary>
    public TimeSpan? RepurchaseInterval(string item) =>
        _items.TryIndex(item, out var i) && _items.RepurchaseTicks[i] > 0 ? TimeSpan.FromTicks(_items.RepurchaseTicks[i]) : null;

    /// <summary>Products seen in the same visits as <paramref name="item"/>, by cosine similarity; empty for an unknown item.</summary>
    public IReadOnlyList<ScoredItem> AlsoViewed(string item, int limit) => PersonFeeds.AlsoViewed(_items, item, limit);

    /// <summary>See <see cref="PersonFeeds.Personal"/>.</summary>
    public (IReadOnlyList<ScoredItem> Items, bool FromFallback) Personal(Identifier who, int limit, IReadOnlySet<string> exclude,
        IReadOnlyList<ScoredItem> fallback) =>
        PersonFeeds.Personal(_items, _options.PersonalSeedItems, History(who), limit, exclude, fallback);

    private Touch[] History(Identifier who) =>
        _personOf.TryGetValue(who.Key, out var person) ? _historyNewestFirst[person] : [];
}
