namespace Footfall.Client;

/// <summary>The action names the server knows and validates (CONTRACT §3); any other valid name is a custom action.</summary>
public static class FootfallActions
{
    /// <summary>An experience variant was shown; requires experience and variant.</summary>
    public const string Impression = "impression";
    /// <summary>A product page was seen; requires target.product.</summary>
    public const string ProductView = "product_view";
    /// <summary>A product was put in the cart; requires target.product.</summary>
    public const string AddToCart = "product_add_to_cart";
    /// <summary>A product was taken out of the cart; requires target.product.</summary>
    public const string RemoveFromCart = "product_remove_from_cart";
    /// <summary>A product was wished for; requires target.product.</summary>
    public const string AddToWishlist = "product_add_to_wishlist";
    /// <summary>A wish was taken back; requires target.product.</summary>
    public const string RemoveFromWishlist = "product_remove_from_wishlist";
    /// <summary>A product was bought; requires target.product.</summary>
    public const string Purchase = "product_purchase";
    /// <summary>A product was rated; requires target.product and a numeric params.rating.</summary>
    public const string Rating = "product_rating";
    /// <summary>A content page was seen; requires target.page.</summary>
    public const string PageView = "page_view";
    /// <summary>A category listing was seen; requires target.category.</summary>
    public const string CategoryView = "category_view";
    /// <summary>A search was made; requires target.query.</summary>
    public const string Search = "search";
}
