using Footfall.Events;

namespace Footfall.Server.Dialects.Crownpeak;

/// <summary>
/// How Attraqt XO's built-in actions become Footfall actions. <c>opposite: true</c> is Attraqt's way to record
/// an undo; where Footfall has the inverse action (cart, wishlist) that is what is stored, otherwise the
/// mapped action with <c>.undo</c> appended, so an undone purchase never counts as a purchase.
/// </summary>
public static class CrownpeakActionMap
{
    /// <summary>The Footfall action for an Attraqt action on a target.</summary>
    public static string Map(string action, IReadOnlyDictionary<string, string> target, bool opposite)
    {
        var mapped = action switch
        {
            "view" when target.ContainsKey("product") => BuiltInActions.ProductView,
            "view" when target.ContainsKey("category") => BuiltInActions.CategoryView,
            "view" when target.ContainsKey("page") => BuiltInActions.PageView,
            "view" when target.ContainsKey("query") => BuiltInActions.Search,
            "add-to-cart" => BuiltInActions.AddToCart,
            "remove-from-cart" => BuiltInActions.RemoveFromCart,
            "add-to-wishlist" => BuiltInActions.AddToWishlist,
            "remove-from-wishlist" => BuiltInActions.RemoveFromWishlist,
            "purchase" => BuiltInActions.Purchase,
            // click, a view of something else, and custom actions are kept as sent.
            _ => action,
        };
        if (!opposite)
            return mapped;
        return mapped switch
        {
            BuiltInActions.AddToCart => BuiltInActions.RemoveFromCart,
            BuiltInActions.RemoveFromCart => BuiltInActions.AddToCart,
            BuiltInActions.AddToWishlist => BuiltInActions.RemoveFromWishlist,
            BuiltInActions.RemoveFromWishlist => BuiltInActions.AddToWishlist,
            _ => mapped + ".undo",
        };
    }
}
