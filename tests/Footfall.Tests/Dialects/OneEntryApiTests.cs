using System.Net;
using Footfall.Tests.Support;
using static Footfall.Tests.Dialects.DialectHttp;

namespace Footfall.Tests.Dialects;

/// <summary>The OneEntry UserActivity dialect: its ten types, their required fields, and the error paths.</summary>
public sealed class OneEntryApiTests(FootfallFactory factory) : IClassFixture<FootfallFactory>
{
    private const string Path = "/oneentry/user-activity";

    [Theory]
    [InlineData("{\"type\":\"product_view\",\"productId\":12}", "product_view", "product", "12")]
    [InlineData("{\"type\":\"page_view\",\"pageId\":\"about\"}", "page_view", "page", "about")]
    [InlineData("{\"type\":\"category_view\",\"pageId\":7}", "category_view", "category", "7")]
    [InlineData("{\"type\":\"search\",\"query\":\"red shoes\"}", "search", "query", "red shoes")]
    [InlineData("{\"type\":\"product_add_to_cart\",\"productId\":\"p1\"}", "product_add_to_cart", "product", "p1")]
    [InlineData("{\"type\":\"product_remove_from_cart\",\"productId\":\"p1\"}", "product_remove_from_cart", "product", "p1")]
    [InlineData("{\"type\":\"product_add_to_wishlist\",\"productId\":\"p1\"}", "product_add_to_wishlist", "product", "p1")]
    [InlineData("{\"type\":\"product_remove_from_wishlist\",\"productId\":\"p1\"}", "product_remove_from_wishlist", "product", "p1")]
    [InlineData("{\"type\":\"product_purchase\",\"productId\":\"p1\",\"meta\":{\"price\":9.5}}", "product_purchase", "product", "p1")]
    [InlineData("{\"type\":\"product_rating\",\"productId\":\"p1\",\"rating\":4}", "product_rating", "product", "p1")]
    public async Task Each_type_is_stored_with_its_target_and_answers_true(string body, string action, string kind, string id)
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (response, text) = await SendAsync(http, HttpMethod.Post, Path, body, ("x-app-token", project.Id), ("x-guest-id", "oe-guest"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("true", text);
        var e = (await project.GetAsync("/v1/people/activity?guestId=oe-guest")).GetProperty("events").EnumerateArray().Single();
        Assert.Equal(action, e.GetProperty("action").GetString());
        Assert.Equal(id, e.GetProperty("target").GetProperty(kind).GetString());
        Assert.Equal("oneentry", e.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Meta_becomes_params_and_both_identity_headers_link_guest_and_user()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (response, text) = await SendAsync(http, HttpMethod.Post, Path, "{\"type\":\"product_rating\",\"productId\":\"p9\",\"meta\":{\"rating\":5,\"block\":\"reco\"}}",
            ("x-app-token", project.Id), ("x-guest-id", "oe-g2"), ("x-user-id", "oe-u2"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var e = (await project.GetAsync("/v1/people/activity?guestId=oe-g2")).GetProperty("events")[0];
        Assert.Equal(5, e.GetProperty("params").GetProperty("rating").GetInt32());
        Assert.Equal("reco", e.GetProperty("params").GetProperty("block").GetString());
        Assert.Equal(1, (await project.GetAsync("/v1/people/activity?userId=oe-u2")).GetProperty("events").GetArrayLength());
    }

    [Theory]
    [InlineData("{\"type\":\"product_view\"}", "productId is required for type product_view")]
    [InlineData("{\"type\":\"product_purchase\",\"pageId\":\"x\"}", "productId is required for type product_purchase")]
    [InlineData("{\"type\":\"page_view\",\"productId\":\"x\"}", "pageId is required for type page_view")]
    [InlineData("{\"type\":\"category_view\"}", "pageId is required for type category_view")]
    [InlineData("{\"type\":\"search\",\"query\":\"\"}", "query is required for type search")]
    [InlineData("{\"type\":\"product_rating\",\"productId\":\"p\"}", "rating is required for type product_rating")]
    [InlineData("{\"type\":\"product_rating\",\"productId\":\"p\",\"rating\":\"five\"}", "rating is required for type product_rating and must be a number")]
    [InlineData("{\"type\":\"teleport\"}", "type 'teleport' is not one of product_view")]
    [InlineData("{\"productId\":\"p\"}", "type is required")]
    [InlineData("{\"type\":\"product_view\",\"productId\":\"p\",\"meta\":[1]}", "meta must be a JSON object")]
    [InlineData("[]", "body must be a JSON object")]
    [InlineData("{\"type\":", "not valid JSON")]
    public async Task A_bad_body_gets_400_naming_the_field_and_the_type(string body, string message)
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (response, text) = await SendAsync(http, HttpMethod.Post, Path, body, ("x-app-token", project.Id), ("x-guest-id", "g"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, Json(text).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Missing_token_unknown_project_and_missing_identity_are_4xx()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        const string body = "{\"type\":\"product_view\",\"productId\":\"p\"}";
        var (noToken, noTokenText) = await SendAsync(http, HttpMethod.Post, Path, body, ("x-guest-id", "g"));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Contains("x-app-token", noTokenText);
        var (unknown, _) = await SendAsync(http, HttpMethod.Post, Path, body, ("x-app-token", "p_nope"), ("x-guest-id", "g"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var (anonymous, anonymousText) = await SendAsync(http, HttpMethod.Post, Path, body, ("x-app-token", project.Id));
        Assert.Equal(HttpStatusCode.BadRequest, anonymous.StatusCode);
        Assert.Contains("x-guest-id or x-user-id", anonymousText);
    }
}
