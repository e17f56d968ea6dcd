using System.Text.Json;
using System.Text.Json.Serialization;

namespace Footfall.Client;

/// <summary>The recommendation feeds of CONTRACT §8, by their path names.</summary>
public static class RecommendationFeeds
{
    /// <summary>What the person looked at lately (needs a person).</summary>
    public const string RecentlyViewed = "recently-viewed";
    /// <summary>What is most interacted with lately (takes <c>hours</c>).</summary>
    public const string Trending = "trending";
    /// <summary>What the person buys again and again (needs a person).</summary>
    public const string RepeatPurchase = "repeat-purchase";
    /// <summary>What people who viewed an item also viewed (needs <c>item</c>).</summary>
    public const string AlsoViewed = "also-viewed";
    /// <summary>Personal picks (needs a person).</summary>
    public const string Personal = "personal";
}

/// <summary>A feed's answer. Pass <see cref="ResponseId"/> as the <c>sourceId</c> of the events it leads to.</summary>
/// <param name="ResponseId">Attributes clicks and purchases to this answer.</param>
/// <param name="Items">The recommended items, best first.</param>
public sealed record Recommendations(string ResponseId, IReadOnlyList<RecommendedItem> Items)
{
    /// <summary>The feed that answered.</summary>
    public string? Feed { get; init; }

    /// <summary>The feed whose items stand in when this one had none for the person (<c>trending</c>), else null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Fallback { get; init; }

    /// <summary>Any further fields the server sent.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>One recommended item.</summary>
/// <param name="Id">The item (product) id.</param>
/// <param name="Score">Its score within this answer; higher is better.</param>
public sealed record RecommendedItem(string Id, double Score);

/// <summary>How each feed performed (<c>GET /v1/recommendations/performance</c>).</summary>
/// <param name="Feeds">One row per feed.</param>
public sealed record RecommendationPerformance(IReadOnlyList<FeedPerformance> Feeds)
{
    /// <summary>The start of the range reported on.</summary>
    public DateTimeOffset From { get; init; }

    /// <summary>The end of the range reported on (exclusive).</summary>
    public DateTimeOffset To { get; init; }
}

/// <summary>One feed's attributed outcomes.</summary>
/// <param name="Feed">The feed name.</param>
/// <param name="Responses">Answers served.</param>
/// <param name="Clicks">Product views attributed to it.</param>
/// <param name="AddToCarts">Cart additions attributed to it.</param>
/// <param name="Purchases">Purchases attributed to it.</param>
/// <param name="Revenue">Revenue attributed to it.</param>
public sealed record FeedPerformance(string Feed, long Responses, long Clicks, long AddToCarts, long Purchases, double Revenue)
{
    /// <summary>Clicks / responses (0 without responses).</summary>
    public double ClickThroughRate { get; init; }
}
