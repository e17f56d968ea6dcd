namespace Footfall.Recommendations;

/// <summary>The feeds of <c>GET /v1/recommendations/{feed}</c> (CONTRACT §8).</summary>
public static class FeedNames
{
    /// <summary>The person's distinct viewed products, most recent first.</summary>
    public const string RecentlyViewed = "recently-viewed";
    /// <summary>Products by decayed engagement of distinct people.</summary>
    public const string Trending = "trending";
    /// <summary>Products the person bought whose repurchase interval is due.</summary>
    public const string RepeatPurchase = "repeat-purchase";
    /// <summary>Products seen in the same visits as an item.</summary>
    public const string AlsoViewed = "also-viewed";
    /// <summary>Products for the person from their recent interest, via the item-to-item model.</summary>
    public const string Personal = "personal";

    /// <summary>Every feed, in the order reports list them.</summary>
    public static readonly IReadOnlyList<string> All = [RecentlyViewed, Trending, RepeatPurchase, AlsoViewed, Personal];
}

/// <summary>One recommended product and how strongly it is recommended (higher first; comparable within a response only).</summary>
public readonly record struct ScoredItem(string Id, double Score);
