namespace Footfall.Events;

/// <summary>The actions Footfall knows, and the fields each one requires (CONTRACT §3).</summary>
public static class BuiltInActions
{
    /// <summary>An experience variant was shown.</summary>
    public const string Impression = "impression";
    /// <summary>A product page was seen.</summary>
    public const string ProductView = "product_view";
    /// <summary>A product was put in the cart.</summary>
    public const string AddToCart = "product_add_to_cart";
    /// <summary>A product was taken out of the cart.</summary>
    public const string RemoveFromCart = "product_remove_from_cart";
    /// <summary>A product was wished for.</summary>
    public const string AddToWishlist = "product_add_to_wishlist";
    /// <summary>A wish was taken back.</summary>
    public const string RemoveFromWishlist = "product_remove_from_wishlist";
    /// <summary>A product was bought.</summary>
    public const string Purchase = "product_purchase";
    /// <summary>A product was rated.</summary>
    public const string Rating = "product_rating";
    /// <summary>A content page was seen.</summary>
    public const string PageView = "page_view";
    /// <summary>A category listing was seen.</summary>
    public const string CategoryView = "category_view";
    /// <summary>A search was made.</summary>
    public const string Search = "search";
    /// <summary>The browser SDK's automatic page visit.</summary>
    public const string PageVisit = "page.visit";
    /// <summary>A visit began.</summary>
    public const string SessionStart = "session.start";
    /// <summary>A visit ended.</summary>
    public const string SessionEnd = "session.end";
    /// <summary>
    /// Something shown in a list was clicked (Attraqt XO's <c>click</c>, kept as sent). Not an interaction models learn
    /// from (the product view that follows is), but with a response's <c>sourceId</c> it is a click on that response.
    /// </summary>
    public const string Click = "click";

    /// <summary>Commerce actions whose target is a product: the interactions recommendation models learn from.</summary>
    public static readonly IReadOnlySet<string> ProductActions = new HashSet<string>(StringComparer.Ordinal)
    {
        ProductView, AddToCart, RemoveFromCart, AddToWishlist, RemoveFromWishlist, Purchase, Rating,
    };

    /// <summary>The product actions and <see cref="Click"/>: what a response's <c>sourceId</c> can be credited with.</summary>
    public static readonly IReadOnlyList<string> SourcedActions = [.. ProductActions, Click];

    /// <summary>The target kind an action requires, if any.</summary>
    public static string? RequiredTarget(string action) => action switch
    {
        _ when ProductActions.Contains(action) => "product",
        PageView => "page",
        CategoryView => "category",
        Search => "query",
        _ => null,
    };
}
