using CsCheck;
using Footfall.Events;
using Footfall.Projects;
using Footfall.Recommendations;
using Footfall.Storage;

namespace Footfall.Tests.Recommendations;

/// <summary>
/// The served model (<see cref="WindowModel"/>: the store's aggregates, persons read on demand) answers every feed as
/// the definition (<see cref="RecommendationModel"/> built from every interaction of the window) does, on random
/// histories; and after an erasure, as the definition rebuilt without the person does, up to the order of ties (an
/// erasure keeps the item order of the refresh). A failure prints the smallest history CsCheck found.
/// </summary>
public abstract class WindowModelAgreesWithDefinition : IAsyncLifetime
{
    private static readonly RecommendationOptions Options = new()
    {
        HistoryDays = 30, MaxItemsPerSession = 3, NeighboursPerItem = 2, MinRepeatGaps = 1, PersonalSeedItems = 2, MaxTrendingHours = 168,
    };

    private static readonly int[] TrendingHours = [1, 24, 168];
    private static readonly string?[] Categories = [null, "c0", "c1"];

    private IEventStore? _store;

    /// <summary>A new store, not yet initialized.</summary>
    protected abstract IEventStore CreateStore();

    /// <summary>How many random histories one run checks: each is a fresh project in the same store.</summary>
    protected abstract int Histories { get; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _store = CreateStore();
        await _store.InitializeAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_store is not null)
            await _store.DisposeAsync();
    }

    [Fact]
    public Task Every_feed_equals_the_definition_before_and_after_an_erasure() =>
        RandomShopHistories.Any.SampleAsync(CheckAsync, iter: Histories, threads: 1, print: h => h.ToString());

    private async Task CheckAsync(RandomShopHistory history)
    {
        var store = _store!;
        var project = ProjectKeys.NewProjectId();
        await store.CreateProjectAsync(new Project(project, "shop", "hash", RandomShopHistory.Now.AddYears(-1)));
        foreach (var commit in history.Commits)
            await store.CommitAsync([commit with { ProjectId = project }]);

        var model = await WindowModel.LoadAsync(store, project, RandomShopHistory.Now, Options);
        Assert.Equal(await RenderAsync(await DefinitionAsync(store, project), exactTies: true), await RenderAsync(model, exactTies: true));

        var touches = await store.ReadPersonTouchesAsync(project, history.Erased, model.From);
        await store.ErasePersonAsync(project, history.Erased);
        var without = await model.WithoutAsync(
            touches.Where(t => RecommendationOptions.Weight(t.Action) > 0).Select(t => t.Item).ToHashSet(StringComparer.Ordinal),
            touches.Where(t => t.Action == BuiltInActions.Purchase).Select(t => t.Item).ToHashSet(StringComparer.Ordinal));
        Assert.Equal(await RenderAsync(await DefinitionAsync(store, project), exactTies: false), await RenderAsync(without, exactTies: false));
    }

    private static async Task<RecommendationModel> DefinitionAsync(IEventStore store, string project) =>
        RecommendationModel.Build(await store.ReadProductInteractionsAsync(project, new TimeRange(RandomShopHistory.Now.AddDays(-Options.HistoryDays), null)),
            RandomShopHistory.Now, Options);

    // Both models answer through the same questions; one line per answer, so a mismatch reads as a diff.
    private static async Task<string> RenderAsync(object model, bool exactTies)
    {
        var lines = new List<string>();
        var now = RandomShopHistory.Now;
        foreach (var item in RandomShopHistory.Items)
        {
            lines.Add($"also-viewed {item}: " + Show(model switch
            {
                RecommendationModel m => m.AlsoViewed(item, 10),
                WindowModel w => w.AlsoViewed(item, 10),
                _ => throw new ArgumentException("a model", nameof(model)),
            }, exactTies));
        }
        foreach (var hours in TrendingHours)
            foreach (var category in exactTies ? Categories : [null])
                lines.Add($"trending {hours} {category}: " + Show(await TrendingAsync(model, hours, category, 50), exactTies));
        // After an erasure, which of tied trending items fill a personal answer may differ: personal is compared without them.
        var fallback = exactTies ? await TrendingAsync(model, 24, null, 50) : [];
        foreach (var who in RandomShopHistory.Identifiers)
        {
            var (recent, repeat, (personal, fromFallback)) = model switch
            {
                RecommendationModel m => (m.RecentlyViewed(who, 3), m.RepeatPurchase(who, now.AddDays(3), 5), m.Personal(who, 4, new HashSet<string>(), fallback)),
                WindowModel w => (await w.RecentlyViewedAsync(who, 3), await w.RepeatPurchaseAsync(who, now.AddDays(3), 5),
                    await w.PersonalAsync(who, 4, new HashSet<string>(), fallback)),
                _ => throw new ArgumentException("a model", nameof(model)),
            };
            lines.Add($"{who.Key} recent: {Show(recent, exact: true)} repeat: {Show(repeat, exact: true)} personal{(fromFallback ? " (fallback)" : "")}: " +
                Show(personal, exactTies));
        }
        return string.Join("\n", lines);
    }

    private static async Task<IReadOnlyList<ScoredItem>> TrendingAsync(object model, int hours, string? category, int limit) => model switch
    {
        RecommendationModel m => m.Trending(hours, category, limit),
        WindowModel w => await w.TrendingAsync(hours, category, limit),
        _ => throw new ArgumentException("a model", nameof(model)),
    };

    // Without exact ties: the scores in order, and the items above the last score (which of the tied ones made the cut may differ).
    private static string Show(IReadOnlyList<ScoredItem> items, bool exact) => exact
        ? string.Join(" ", items.Select(i => $"{i.Id}={i.Score:R}"))
        : string.Join(" ", items.Select(i => i.Score.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + " | " +
          string.Join(" ", items.Where(i => i.Score > items[^1].Score).Select(i => i.Id).Order(StringComparer.Ordinal));
}
