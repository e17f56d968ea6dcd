using System.Collections.Concurrent;
using Footfall.Identity;
using Footfall.Storage;

namespace Footfall.Recommendations;

/// <summary>
/// One project's recommendation models over the window as of a refresh, as served: what is kept per item (neighbours,
/// reach, categories, repurchase intervals) is read from the store's aggregates, trending from each person's newest
/// touch per item and action over the longest trending window, and persons' touches when a feed first needs them. Its
/// memory is bounded by the catalogue, the longest trending window's touches and the options, never by all events or
/// persons. Every feed answers as <see cref="RecommendationModel"/> built over the same
/// window does, with two differences: a person's touches are read when first asked for (so they may be newer than the
/// refresh), and their touches of items the refresh did not see yet are left out until the next one.
/// </summary>
public sealed class WindowModel
{
    /// <summary>How many trending items are kept per (hours, category): more than any feed asks for.</summary>
    internal const int TrendingKept = 200;

    private readonly IInteractionSource _store;
    private readonly string _projectId;
    private readonly RecommendationOptions _options;
    // What the store's counts gave (an erasure's recount starts from these) and what the feeds serve: the same, except
    // while erasures are hidden (see Hiding).
    private readonly ItemCatalogue _items;
    private readonly ItemCatalogue _served;
    private readonly int[] _reach;
    private readonly PersonHistoryCache _histories;
    private readonly TrendingIndex _recent;
    private readonly IReadOnlyList<ErasedShare> _hidden;
    private readonly HashSet<int>? _hiddenTrending;
    /// <summary>The <c>hours</c> of trending when a request names none.</summary>
    public const int DefaultTrendingHours = 24;

    // Scores are computed once per hours value and model from the recent touches; each category is a filter of them, ranked once.
    private readonly ConcurrentDictionary<int, Dictionary<int, double>> _trendingScores = new();
    private readonly ConcurrentDictionary<(int Hours, string? Category), IReadOnlyList<ScoredItem>> _trending = new();

    private WindowModel(IInteractionSource store, string projectId, RecommendationOptions options, DateTime builtAt, DateTime from,
        ItemCatalogue items, int[] reach, long interactions, TrendingIndex recent, IReadOnlyList<ErasedShare> hidden)
    {
        _store = store;
        _projectId = projectId;
        _options = options;
        BuiltAt = builtAt;
        From = from;
        _items = items;
        _reach = reach;
        InteractionCount = interactions;
        _recent = recent;
        _hidden = hidden;
        _histories = new PersonHistoryCache(options.PersonCacheSize);
        _served = items;
        if (hidden.Count == 0)
            return;
        var touched = new bool[items.Count];
        var bought = new HashSet<int>();
        _hiddenTrending = [];
        foreach (var erased in hidden)
        {
            foreach (var item in Indexes(erased.Touched.Keys))
                touched[item] = true;
            bought.UnionWith(Indexes(erased.Repurchased));
            _hiddenTrending.UnionWith(Indexes(erased.TouchedAfter(builtAt.AddHours(-options.MaxTrendingHours))));
        }
        var neighbours = new IReadOnlyList<(int Item, float Score)>[items.Count];
        for (var i = 0; i < neighbours.Length; i++)
        {
            var list = items.Neighbours[i];
            neighbours[i] = touched[i] ? [] : list.Any(n => touched[n.Item]) ? list.Where(n => !touched[n.Item]).ToArray() : list;
        }
        var intervals = items.RepurchaseTicks.ToArray();
        foreach (var item in bought)
            intervals[item] = 0;
        _served = items.With(neighbours, intervals);
    }

    /// <summary>When the model was built; trending and decay are relative to it.</summary>
    public DateTime BuiltAt { get; }

    /// <summary>The start of its window.</summary>
    public DateTime From { get; }

    /// <summary>How many interactions the window held.</summary>
    public long InteractionCount { get; }

    /// <summary>How many items it knows.</summary>
    public int ItemCount => _items.Count;

    /// <summary>Reads the window's aggregates from <paramref name="store"/> as of <paramref name="now"/>.</summary>
    public static async Task<WindowModel> LoadAsync(IInteractionSource store, string projectId, DateTime now, RecommendationOptions options,
        CancellationToken cancellationToken = default)
    {
        var from = now.AddDays(-options.HistoryDays);
        var window = await store.ReadItemWindowAsync(projectId, from, new ItemWindowShape(options.MaxItemsPerSession, options.NeighboursPerItem),
            cancellationToken);
        var items = new ItemCatalogue(window.Items, window.Categories, window.Neighbours, new long[window.Items.Count]);
        var recent = ReadRecentAsync(store, projectId, from, now, options, items, only: null, cancellationToken);
        var purchases = await store.ReadPurchasesAsync(projectId, from, items: null, cancellationToken);
        var reach = window.Reach.ToArray();
        return new WindowModel(store, projectId, options, now, from, items, reach, window.Interactions, new TrendingIndex(await recent), [])
            .WithIntervals(purchases, items.Neighbours, reach, []);
    }

    // Every trending window is ranked from the newest touch per person, item and action over the longest one (see
    // InteractionAggregates.RecentTouches), read once per model: any hours value then answers from memory. Persons are
    // numbered per read: a score only compares one item's touches with each other.
    private static async Task<Touch[]> ReadRecentAsync(IInteractionSource store, string projectId, DateTime from, DateTime now,
        RecommendationOptions options, ItemCatalogue items, IReadOnlyCollection<string>? only, CancellationToken cancellationToken)
    {
        var read = await store.ReadRecentTouchesAsync(projectId, from, now, options.MaxTrendingHours, only, cancellationToken);
        var persons = new Dictionary<long, int>();
        var touches = new List<Touch>(read.Count);
        foreach (var t in read)
        {
            // An item first touched after the window was read waits for the next refresh, as in every other feed.
            if (!items.TryIndex(t.Item, out var item))
                continue;
            if (!persons.TryGetValue(t.Person, out var person))
                persons[t.Person] = person = persons.Count;
            touches.Add(InternedInteractions.ToTouch(person, item, t.Action, t.Time));
        }
        return touches.ToArray();
    }

    /// <summary>This model with new repurchase intervals for the items <paramref name="purchases"/> (by person, item, time) hold.</summary>
    private WindowModel WithIntervals(IReadOnlyList<ProductPurchase> purchases, IReadOnlyList<IReadOnlyList<(int Item, float Score)>> neighbours, int[] reach,
        IReadOnlyList<ErasedShare> hidden)
    {
        var gaps = new RepurchaseIntervals.Gaps(_items.Count);
        var seen = new HashSet<int>();
        foreach (var p in purchases)
        {
            if (_items.TryIndex(p.Item, out var item))
            {
                gaps.Add(p.Person, item, p.Time.Ticks);
                seen.Add(item);
            }
        }
        var medians = gaps.Medians(_options.MinRepeatGaps);
        var intervals = _items.RepurchaseTicks.ToArray();
        foreach (var item in seen)
            intervals[item] = medians[item];
        return new WindowModel(_store, _projectId, _options, BuiltAt, From, _items.With(neighbours, intervals), reach, InteractionCount, _recent, hidden);
    }

    /// <summary>
    /// This model once a person with the share <paramref name="erased"/> is erased from the store: the co-visits of what
    /// they touched are recounted from the store (see <see cref="ItemSimilarity.Without"/>), the trending touches of what
    /// they touched in its span and the purchases of what they bought again are read again. Item order and categories
    /// stay until the next refresh. It hides what this model hides (<see cref="Hiding"/>): <see cref="Recounted"/> says
    /// which of those it no longer needs to.
    /// </summary>
    public async Task<WindowModel> WithoutAsync(ErasedShare erased, CancellationToken cancellationToken = default)
    {
        var changed = Indexes(erased.Touched.Keys);
        // Trending counts the touches in (BuiltAt - MaxTrendingHours, BuiltAt]: only items they touched in it score otherwise.
        var recentItems = erased.TouchedAfter(BuiltAt.AddHours(-_options.MaxTrendingHours));
        var recentChanged = Indexes(recentItems);
        // The co-visit read first: its count takes the person out of the kept counts, which the purchases read would
        // otherwise do (the second finds nothing to count). DuckDB runs a read's statements on the calling thread (the
        // three reads "at once" ran one after another), so the other two start on the pool once it is done, beside the
        // recount of the neighbours in memory: for the 100th most active person at 100M events, ~50 ms of purchases
        // beside 160-250 ms of Without, not after it.
        var counts = changed.Count == 0 ? null
            : await _store.ReadCoVisitsAsync(_projectId, From, _options.MaxItemsPerSession, changed.Select(_items.Name).ToList(), Cut(), cancellationToken);
        var purchasesRead = erased.Repurchased.Count == 0 ? Task.FromResult<IReadOnlyList<ProductPurchase>>([])
            : Task.Run(() => _store.ReadPurchasesAsync(_projectId, From, erased.Repurchased, cancellationToken), cancellationToken);
        var recentRead = recentChanged.Count == 0 ? Task.FromResult<Touch[]>([])
            : Task.Run(() => ReadRecentAsync(_store, _projectId, From, BuiltAt, _options, _items, recentItems, cancellationToken), cancellationToken);
        var reach = _reach;
        var neighbours = _items.Neighbours;
        if (counts is not null)
        {
            reach = _reach.ToArray();
            foreach (var item in changed)
                reach[item] = counts.Reach.GetValueOrDefault(_items.Name(item));
            // A read returns each pair once: listed, not hashed. It hands each item's name as one instance (the DuckDB
            // store's are the cut's, the model's own), so the names are looked up by reference after the first time:
            // the map of the 293K pairs of the 100th most active person at 100M events, by name, took ~50 ms.
            var pairs = new List<KeyValuePair<long, int>>(counts.Pairs.Count);
            var indexOf = new Dictionary<string, int>(ReferenceEqualityComparer.Instance);
            foreach (var (a, b, count) in counts.Pairs)
                if (IndexOf(a, out var ia) && IndexOf(b, out var ib))
                    pairs.Add(new(ItemSimilarity.PairKey(ia, ib), count));
            neighbours = ItemSimilarity.Without(neighbours, changed, reach, pairs, _options.NeighboursPerItem);

            bool IndexOf(string name, out int index)
            {
                if (!indexOf.TryGetValue(name, out index))
                    indexOf[name] = index = _items.TryIndex(name, out var known) ? known : -1;
                return index >= 0;
            }
        }
        await Task.WhenAll(purchasesRead, recentRead);
        var purchases = await purchasesRead;
        var intervals = _items.RepurchaseTicks.ToArray();
        foreach (var item in Indexes(erased.Repurchased))
            intervals[item] = 0;
        var recent = recentChanged.Count == 0 ? _recent : _recent.WithItems(recentChanged, await recentRead);
        return new WindowModel(_store, _projectId, _options, BuiltAt, From, _items.With(neighbours, intervals), reach, InteractionCount, recent, [])
            .WithIntervals(purchases, neighbours, reach, _hidden);
    }

    /// <summary>
    /// This model serving nothing of a person with the share <paramref name="erased"/>, at once and without a store read,
    /// until <see cref="WithoutAsync"/> recounts what they touched: the items they touched have no neighbours and are no
    /// item's neighbour (a score counts the visits of both items and each item's reach, so every score with such an item
    /// holds their visits, and no other does), trending leaves out what they touched in its span, repeat purchase what
    /// they bought again. Every number served is the one the definition gives without them. An untouched item's list
    /// is its list before less the touched items, so it begins as the definition's without them (less those items) does
    /// (see <see cref="ItemSimilarity.Without"/>); it may go on past where the definition's ends, by items that a touched
    /// item, its score risen without them, pushes off the definition's list: none is an item they touched.
    /// </summary>
    public WindowModel Hiding(ErasedShare erased) =>
        new(_store, _projectId, _options, BuiltAt, From, _items, _reach, InteractionCount, _recent, [.. _hidden, erased]);

    /// <summary>Whether this model hides <paramref name="erased"/> (<see cref="Hiding"/>), not yet recounted without them.</summary>
    public bool Hides(ErasedShare erased) => _hidden.Contains(erased);

    /// <summary>
    /// <paramref name="recounted"/> (an earlier model's <see cref="WithoutAsync"/> of the share of <paramref name="erased"/>)
    /// still hiding what <paramref name="current"/> hides beside them: erasures hidden since the recount started.
    /// </summary>
    public static WindowModel Recounted(WindowModel recounted, WindowModel current, IReadOnlyCollection<ErasedShare> erased) =>
        new(recounted._store, recounted._projectId, recounted._options, recounted.BuiltAt, recounted.From, recounted._items, recounted._reach,
            recounted.InteractionCount, recounted._recent, [.. current._hidden.Where(h => !erased.Contains(h))]);

    // The model's numbers of those of the items it knows.
    private HashSet<int> Indexes(IEnumerable<string> items) =>
        items.Select(i => _items.TryIndex(i, out var index) ? index : -1).Where(i => i >= 0).ToHashSet();

    // What ItemSimilarity.Without needs of a co-visit read: the store leaves out pairs that cannot enter any list (an active
    // person's items share visits with millions of pairs at 10M events).
    private CoVisitCut Cut() =>
        CoVisitCut.Of(_items.Names, _reach, _items.Neighbours, _options.NeighboursPerItem);

    /// <summary>The person's distinct viewed products, most recent view first.</summary>
    public async Task<IReadOnlyList<ScoredItem>> RecentlyViewedAsync(Identifier who, int limit, CancellationToken cancellationToken = default) =>
        PersonFeeds.RecentlyViewed(_served, await HistoryAsync(who, cancellationToken), limit);

    /// <summary>Products the person bought whose typical repurchase interval is due at <paramref name="now"/>, most due first.</summary>
    public async Task<IReadOnlyList<ScoredItem>> RepeatPurchaseAsync(Identifier who, DateTime now, int limit, CancellationToken cancellationToken = default) =>
        PersonFeeds.RepeatPurchase(_served, await HistoryAsync(who, cancellationToken), now, limit);

    /// <summary>Products seen in the same visits as <paramref name="item"/>, by cosine similarity; empty for an unknown item.</summary>
    public IReadOnlyList<ScoredItem> AlsoViewed(string item, int limit) => PersonFeeds.AlsoViewed(_served, item, limit);

    /// <summary>See <see cref="PersonFeeds.Personal"/>.</summary>
    public async Task<(IReadOnlyList<ScoredItem> Items, bool FromFallback)> PersonalAsync(Identifier who, int limit, IReadOnlySet<string> exclude,
        IReadOnlyList<ScoredItem> fallback, CancellationToken cancellationToken = default) =>
        PersonFeeds.Personal(_served, _options.PersonalSeedItems, await HistoryAsync(who, cancellationToken), limit, exclude, fallback);

    /// <summary>
    /// Trending over the last <paramref name="hours"/> (at most <see cref="RecommendationOptions.MaxTrendingHours"/>) before
    /// <see cref="BuiltAt"/>, optionally in one category: scored once per hours value and model, ranked once per category.
    /// </summary>
    public IReadOnlyList<ScoredItem> Trending(int hours, string? category, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hours, _options.MaxTrendingHours);
        var scores = _trendingScores.GetOrAdd(hours, h => _recent.Scores(BuiltAt, h, include: _hiddenTrending is null ? null : item => !_hiddenTrending.Contains(item)));
        var ranked = _trending.GetOrAdd((hours, category), key => PersonFeeds.Trending(_served, scores, key.Category, TrendingKept));
        return ranked.Count <= limit ? ranked : ranked.Take(limit).ToList();
    }

    private ValueTask<Touch[]> HistoryAsync(Identifier who, CancellationToken cancellationToken) =>
        _histories.GetAsync(who.Key, async () =>
        {
            var touches = await _store.ReadPersonTouchesAsync(_projectId, who, From, cancellationToken);
            var history = new List<Touch>(touches.Count);
            foreach (var t in touches)
                if (_items.TryIndex(t.Item, out var item))
                    history.Add(InternedInteractions.ToTouch(0, item, t.Action, t.Time));
            return history.ToArray();
        });
}
