namespace Footfall.Client;

/// <summary>Typed helpers for the built-in actions, so each event carries the fields the server requires.</summary>
public static class FootfallClientActions
{
    /// <summary>A product page was seen.</summary>
    /// <param name="client">The client.</param>
    /// <param name="person">Who saw it.</param>
    /// <param name="product">The product id.</param>
    /// <param name="sourceId">The response (recommendation block, search page) that showed it, if any.</param>
    public static bool ProductView(this FootfallClient client, PersonId person, string product, string? sourceId = null) =>
        client.Track(Product(FootfallActions.ProductView, person, product, sourceId));

    /// <summary>A product was put in the cart.</summary>
    /// <param name="client">The client.</param>
    /// <param name="person">Who did it.</param>
    /// <param name="product">The product id.</param>
    /// <param name="quantity">How many, sent as <c>params.quantity</c>.</param>
    /// <param name="sourceId">The response that showed the product, if any.</param>
    public static bool AddToCart(this FootfallClient client, PersonId person, string product, int quantity = 1, string? sourceId = null) =>
        client.Track(Product(FootfallActions.AddToCart, person, product, sourceId) with { Params = new Dictionary<string, object?> { ["quantity"] = quantity } });

    /// <summary>A product was taken out of the cart.</summary>
    /// <param name="client">The client.</param>
    /// <param name="person">Who did it.</param>
    /// <param name="product">The product id.</param>
    public static bool RemoveFromCart(this FootfallClient client, PersonId person, string product) =>
        client.Track(Product(FootfallActions.RemoveFromCart, person, product, null));

    /// <summary>A product was wished for.</summary>
    /// <param name="client">The client.</param>
    /// <param name="person">Who did it.</param>
    /// <param name="product">The product id.</param>
    public static bool AddToWishlist(this FootfallClient client, PersonId person, string product) =>
        client.Track(Product(FootfallActions.AddToWishlist, person, product, null));

    /// <summary>A wish was taken back.</summary>
    /// <param name="client">The client.</param>
    /// <param name="person">Who did it.</param>
    /// <param name="product">The product id.</param>
    public static bool RemoveFromWishlist(this FootfallClient client, PersonId person, string product) =>
        client.Track(Product(FootfallActions.RemoveFromWishlist, person, product, null));

    /// <summary>A product was bought; <c>params.price</c> is the unit price, <c>params.quantity</c> the count.</summary>
    /// <param name="client">The client.</param>
    /// <param name="person">Who bought it.</param>
    /// <param name="product">The product id.</param>
    /// <param name="price">The unit price.</param>
    /// <param name="quantity">How many.</param>
    /// <param name="sourceId">The response that showed the product, if any: attributes the sale to that feed.</param>
    public static bool Purchase(this FootfallClient client, PersonId person, string product, decimal price, int quantity = 1, string? sourceId = null) =>
        client.Track(Product(FootfallActions.Purchase, person, product, sourceId) with
        {
            Params = new Dictionary<string, object?> { ["price"] = price, ["quantity"] = quantity },
        });

    /// <summary>A product was rated; sent as numeric <c>params.rating</c>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="person">Who rated it.</param>
    /// <param name="product">The product id.</param>
    /// <param name="rating">The rating, on whatever scale the shop uses.</param>
    public static bool Rating(this FootfallClient client, PersonId person, string product, double rating) =>
        client.Track(Product(FootfallActions.Rating, person, product, null) with { Params = new Dictionary<string, object?> { ["rating"] = rating } });

    /// <summary>A content page was seen.</summary>
    /// <param name="client">The client.</param>
    /// <param name="person">Who saw it.</param>
    /// <param name="page">The page id or path.</param>
    public static bool PageView(this FootfallClient client, PersonId person, string page) =>
        client.Track(Targeted(FootfallActions.PageView, person, "page", page));

    /// <summary>A category listing was seen.</summary>
    /// <param name="client">The client.</param>
    /// <param name="person">Who saw it.</param>
    /// <param name="category">The category id.</param>
    public static bool CategoryView(this FootfallClient client, PersonId person, string category) =>
        client.Track(Targeted(FootfallActions.CategoryView, person, "category", category));

    /// <summary>A search was made.</summary>
    /// <param name="client">The client.</param>
    /// <param name="person">Who searched.</param>
    /// <param name="query">The search text.</param>
    /// <param name="results">How many results it found, if known, sent as <c>params.results</c>.</param>
    public static bool Search(this FootfallClient client, PersonId person, string query, int? results = null) =>
        client.Track(Targeted(FootfallActions.Search, person, "query", query) with
        {
            Params = results is null ? null : new Dictionary<string, object?> { ["results"] = results.Value },
        });

    /// <summary>An experience variant was shown: counts the person into that variant for A/B results.</summary>
    /// <param name="client">The client.</param>
    /// <param name="person">Who saw it.</param>
    /// <param name="experience">The experience's short uid.</param>
    /// <param name="variant">The variant's short uid.</param>
    public static bool Impression(this FootfallClient client, PersonId person, string experience, string variant) =>
        client.Track(new FootfallEvent(FootfallActions.Impression, person) { Experience = experience, Variant = variant });

    private static FootfallEvent Product(string action, PersonId person, string product, string? sourceId) =>
        Targeted(action, person, "product", product) with { SourceId = sourceId };

    private static FootfallEvent Targeted(string action, PersonId person, string kind, string id) =>
        new(action, person) { Target = new Dictionary<string, string> { [kind] = id } };
}
