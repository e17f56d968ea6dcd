using System.Text;
using Footfall.Events;

namespace Footfall.Server.Dialects.Segment;

/// <summary>
/// How Segment's event names become Footfall actions. The e-commerce spec's names map onto the built-in actions (so
/// experiments and feeds work on Segment data); any other name is stored as <c>segment.</c> + its snake_case ASCII
/// form (<c>Signed Up</c> -> <c>segment.signed_up</c>), or <c>segment.event</c> when nothing of it is left, so no
/// name is ever refused for its spelling and none collides with a built-in action. The original name is kept
/// in <c>params.event</c>.
/// </summary>
public static class SegmentActionMap
{
    /// <summary>The prefix of every action named after a Segment event.</summary>
    public const string Prefix = "segment.";

    /// <summary>The e-commerce spec's events whose properties name one product.</summary>
    public static readonly IReadOnlyDictionary<string, string> ProductEvents = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Product Viewed"] = BuiltInActions.ProductView,
        ["Product Clicked"] = BuiltInActions.ProductView,
        ["Product Added"] = BuiltInActions.AddToCart,
        ["Product Removed"] = BuiltInActions.RemoveFromCart,
        ["Product Added to Wishlist"] = BuiltInActions.AddToWishlist,
        ["Product Removed from Wishlist"] = BuiltInActions.RemoveFromWishlist,
        ["Product Reviewed"] = BuiltInActions.Rating,
    };

    /// <summary>The order event: one <c>product_purchase</c> per entry of <c>products[]</c>.</summary>
    public const string OrderCompleted = "Order Completed";

    /// <summary>The experiment event: an <c>impression</c> of <c>experiment_id</c> / <c>variation_id</c>.</summary>
    public const string ExperimentViewed = "Experiment Viewed";

    /// <summary>A search: <c>search</c> with <c>target.query</c>.</summary>
    public const string ProductsSearched = "Products Searched";

    /// <summary>Listing views: <c>category_view</c> with <c>target.category</c>.</summary>
    public static readonly IReadOnlySet<string> ListEvents = new HashSet<string>(StringComparer.Ordinal)
    {
        "Product List Viewed", "Product Category Viewed", "Product List Filtered",
    };

    /// <summary>The action an unmapped event name is stored under.</summary>
    public static string Custom(string name)
    {
        var slug = new StringBuilder(EventLimits.MaxActionLength);
        slug.Append(Prefix);
        var gap = false;
        foreach (var c in name)
        {
            if (slug.Length == EventLimits.MaxActionLength) break;
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (gap && slug.Length > Prefix.Length) slug.Append('_');
                if (slug.Length == EventLimits.MaxActionLength) break;
                slug.Append(char.ToLowerInvariant(c));
                gap = false;
            }
            else
            {
                gap = true;
            }
        }
        return slug.Length == Prefix.Length ? Prefix + "event" : slug.ToString();
    }
}
