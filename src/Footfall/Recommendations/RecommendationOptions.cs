using Footfall.Events;

namespace Footfall.Recommendations;

/// <summary>How recommendation models are built and refreshed (configuration section <c>Recommendations</c>).</summary>
public sealed class RecommendationOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Recommendations";

    /// <summary>How much history the models learn from, in days. Default 90.</summary>
    public int HistoryDays { get; set; } = 90;

    /// <summary>
    /// Seconds between background refreshes of each project's models; 0 turns the background refresh off (tests then
    /// call <see cref="RecommendationModels.RefreshAsync"/>). Default 5. A refresh never starts sooner than four times
    /// the previous one took, so a large project cannot keep the cores busy.
    /// </summary>
    public double RefreshSeconds { get; set; } = 5;

    /// <summary>The longest <c>hours</c> window trending accepts. Default 168 (a week).</summary>
    public int MaxTrendingHours { get; set; } = 168;

    /// <summary>Neighbours kept per item in the item-to-item model. Default 50.</summary>
    public int NeighboursPerItem { get; set; } = 50;

    /// <summary>Distinct items of one session that take part in co-occurrence (the most recent ones). Default 20.</summary>
    public int MaxItemsPerSession { get; set; } = 20;

    /// <summary>Repeat-purchase gaps an item needs before its interval is trusted. Default 2.</summary>
    public int MinRepeatGaps { get; set; } = 2;

    /// <summary>How many of the person's most recent distinct items seed <c>personal</c>. Default 20.</summary>
    public int PersonalSeedItems { get; set; } = 20;

    /// <summary>
    /// How many persons' recent touches each project's model keeps after reading them from the store. Default 10,000;
    /// each costs its touches in the window (tens of bytes apiece).
    /// </summary>
    public int PersonCacheSize { get; set; } = 10_000;

    /// <summary>Throws with a message naming the bad option.</summary>
    public void Validate()
    {
        if (HistoryDays < 1) throw new ArgumentException("Recommendations:HistoryDays must be at least 1");
        if (RefreshSeconds < 0) throw new ArgumentException("Recommendations:RefreshSeconds must be 0 (off) or more");
        if (MaxTrendingHours < 1) throw new ArgumentException("Recommendations:MaxTrendingHours must be at least 1");
        if (NeighboursPerItem < 1 || MaxItemsPerSession < 2 || MinRepeatGaps < 1 || PersonalSeedItems < 1 || PersonCacheSize < 1)
            throw new ArgumentException("Recommendations: NeighboursPerItem, MinRepeatGaps, PersonalSeedItems, PersonCacheSize >= 1; MaxItemsPerSession >= 2");
    }

    /// <summary>
    /// How much an action says about interest. Trending and <c>personal</c> use it: a purchase means more than a view;
    /// taking something out of the cart or the wishlist says nothing positive.
    /// </summary>
    public static double Weight(string action) => action switch
    {
        BuiltInActions.ProductView => 1,
        BuiltInActions.AddToWishlist => 2,
        BuiltInActions.Rating => 2,
        BuiltInActions.AddToCart => 3,
        BuiltInActions.Purchase => 5,
        _ => 0,
    };
}
