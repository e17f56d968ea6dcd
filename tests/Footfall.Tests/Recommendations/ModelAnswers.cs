using Footfall.Identity;
using Footfall.Recommendations;

namespace Footfall.Tests.Recommendations;

/// <summary>
/// Every feed's answers of a model (the definition or the served one) to the same questions, one line each, so two
/// models compare as strings and a mismatch reads as a diff.
/// </summary>
internal static class ModelAnswers
{
    private static readonly int[] TrendingHours = [1, 24, 168];

    public static async Task<string> RenderAsync(object model, DateTime now, IReadOnlyList<Identifier> identifiers, IReadOnlyList<string> items,
        IReadOnlyList<string> categories, bool exactTies)
    {
        var lines = new List<string>();
        foreach (var item in items)
        {
            lines.Add($"also-viewed {item}: " + Show(model switch
            {
                RecommendationModel m => m.AlsoViewed(item, 10),
                WindowModel w => w.AlsoViewed(item, 10),
                _ => throw new ArgumentException("a model", nameof(model)),
            }, exactTies));
        }
        // Categories are kept from the refresh by an erasure (as the item order is): compared before one only.
        IReadOnlyList<string?> trendingCategories = exactTies ? [null, .. categories] : [null];
        foreach (var hours in TrendingHours)
            foreach (var category in trendingCategories)
                lines.Add($"trending {hours} {category}: " + Show(Trending(model, hours, category, 50), exactTies));
        // After an erasure, which of tied trending items fill a personal answer may differ: personal is compared without them.
        var fallback = exactTies ? Trending(model, 24, null, 50) : [];
        foreach (var who in identifiers)
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

    private static IReadOnlyList<ScoredItem> Trending(object model, int hours, string? category, int limit) => model switch
    {
        RecommendationModel m => m.Trending(hours, category, limit),
        WindowModel w => w.Trending(hours, category, limit),
        _ => throw new ArgumentException("a model", nameof(model)),
    };

    // Without exact ties: the scores in order, and the items above the last score (which of the tied ones made the cut may differ).
    private static string Show(IReadOnlyList<ScoredItem> items, bool exact) => exact
        ? string.Join(" ", items.Select(i => $"{i.Id}={i.Score:R}"))
        : string.Join(" ", items.Select(i => i.Score.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + " | " +
          string.Join(" ", items.Where(i => i.Score > items[^1].Score).Select(i => i.Id).Order(StringComparer.Ordinal));
}
