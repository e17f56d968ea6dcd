using System.Net;
using Footfall.Tests.Support;
using static Footfall.Tests.Dialects.DialectHttp;

namespace Footfall.Tests.Dialects;

/// <summary>The Crownpeak / Attraqt XO dialect: action mapping, undo, identities, and the error paths.</summary>
public sealed class CrownpeakApiTests(FootfallFactory factory) : IClassFixture<FootfallFactory>
{
    private static object Activity(string action, object target, bool? opposite = null, object? identities = null) => new
    {
        action, target, opposite, user = new { identities = identities ?? new { sessionId = "cp-session" }, segments = Array.Empty<string>(), traits = new { } },
    };

    [Theory]
    [InlineData("view", "product", null, "product_view")]
    [InlineData("view", "category", null, "category_view")]
    [InlineData("view", "page", null, "page_view")]
    [InlineData("view", "banner", null, "view")]
    [InlineData("add-to-cart", "product", null, "product_add_to_cart")]
    [InlineData("add-to-cart", "product", true, "product_remove_from_cart")]
    [InlineData("remove-from-cart", "product", null, "product_remove_from_cart")]
    [InlineData("remove-from-cart", "product", true, "product_add_to_cart")]
    [InlineData("purchase", "product", null, "product_purchase")]
    [InlineData("purchase", "product", true, "product_purchase.undo")]
    [InlineData("click", "product", null, "click")]
    [InlineData("share-to-friend", "product", null, "share-to-friend")]
    public async Task Actions_map_to_footfall_actions(string action, string kind, bool? opposite, string expected)
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var target = new Dictionary<string, string> { [kind] = "id-1" };
        var (response, text) = await SendAsync(http, HttpMethod.Post, $"/collect/{project.Id}", new[] { Activity(action, target, opposite) });
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(1, Json(text).GetProperty("accepted").GetInt32());
        var e = (await project.GetAsync("/v1/people/activity?guestId=cp-session")).GetProperty("events").EnumerateArray().Single();
        Assert.Equal(expected, e.GetProperty("action").GetString());
        Assert.Equal("id-1", e.GetProperty("target").GetProperty(kind).GetString());
    }

    [Fact]
    public async Task Every_identity_is_the_same_person_and_sessionId_in_any_case_is_a_guest()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (response, text) = await SendAsync(http, HttpMethod.Post, $"/collect/{project.Id}", new[]
        {
            Activity("view", new { product = "sku-1" }, identities: new { SESSIONID = "cp-s1", eCommerceId = "ec-1", customerId = "cu-1" }),
            Activity("view", new { type = "product", id = "sku-2" }, identities: new { sessionId = "cp-s1" }),
        });
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var person = (await project.GetAsync("/v1/people?userId=cu-1")).GetProperty("person");
        var ids = person.GetProperty("identifiers").EnumerateArray().Select(i => (i.GetProperty("kind").GetString(), i.GetProperty("id").GetString())).ToHashSet();
        Assert.Equal(new HashSet<(string?, string?)> { ("guest", "cp-s1"), ("user", "ec-1"), ("user", "cu-1") }, ids);
        var events = (await project.GetAsync("/v1/people/activity?userId=ec-1")).GetProperty("events");
        Assert.Equal(2, events.GetArrayLength());
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("target").GetProperty("product").GetString() == "sku-2");
    }

    [Fact]
    public async Task Bad_activities_are_reported_by_index_and_bad_bodies_get_400()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (response, text) = await SendAsync(http, HttpMethod.Post, $"/collect/{project.Id}",
            "[{\"action\":\"view\",\"target\":{\"product\":\"p\"}},{\"target\":{\"product\":\"p\"},\"user\":{\"identities\":{\"sessionId\":\"s\"}}},{\"action\":\"view\",\"user\":{\"identities\":{\"sessionId\":\"s\"}}},{\"action\":\"purchase\",\"target\":{\"page\":\"p\"},\"user\":{\"identities\":{\"sessionId\":\"s\"}}},{\"action\":\"view\",\"target\":{\"product\":\"p\"},\"timestamp\":\"soon\",\"user\":{\"identities\":{\"sessionId\":\"s\"}}}]");
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var errors = Json(text).GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("error").GetString()!).ToArray();
        Assert.Equal(5, errors.Length);
        Assert.Contains("user.identities is required", errors[0]);
        Assert.Equal("action is required", errors[1]);
        Assert.Contains("target is required", errors[2]);
        Assert.Equal("product_purchase requires target.product", errors[3]);
        Assert.Contains("timestamp", errors[4]);

        var (tooLong, tooLongText) = await SendAsync(http, HttpMethod.Post, $"/collect/{project.Id}",
            new[] { Activity("view", new { product = "p" }, identities: new { customerId = new string('c', 129), sessionId = "s-long" }) });
        Assert.Contains("at most 128 characters", Json(tooLongText).GetProperty("rejected")[0].GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, tooLong.StatusCode);

        var (notArray, notArrayText) = await SendAsync(http, HttpMethod.Post, $"/collect/{project.Id}", "\"view\"");
        Assert.Equal(HttpStatusCode.BadRequest, notArray.StatusCode);
        Assert.Contains("array of activities", notArrayText);
        var (unknown, _) = await SendAsync(http, HttpMethod.Post, "/collect/p_nope", "[]");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
