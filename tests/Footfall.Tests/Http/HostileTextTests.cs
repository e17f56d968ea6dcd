using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Footfall.Tests.Support;
using static Footfall.Tests.Dialects.DialectHttp;

namespace Footfall.Tests.Http;

/// <summary>
/// The text rule (CONTRACT §3) on every ingest path: a body that is not UTF-8 is a 400 naming the byte offset; an
/// event with a lone surrogate, a NUL or a control character is refused alone, named by field, and kept aside safely.
/// </summary>
/// <remarks>The bodies are raw string literals, so <c>\ud800</c> in them is JSON text: the escape a hostile client sends.</remarks>
public sealed class HostileTextTests(FootfallFactory factory) : IClassFixture<FootfallFactory>
{
    /// <summary>Every path that reads a JSON body, with the headers it needs (the project id filled in).</summary>
    public static TheoryData<string, string, string> IngestPaths() => new()
    {
        { "POST", "/v1/events", "X-Project-Id" },
        { "POST", "/v1/events/validate", "X-Project-Id" },
        { "POST", "/v1/identify", "X-Project-Id" },
        { "POST", "/personalize/events", "X-Project-Uid" },
        { "PATCH", "/personalize/user-attributes", "X-Project-Uid" },
        { "POST", "/personalize/user-attributes/actions/merge", "X-Project-Uid" },
        { "POST", "/collect/{project}", "" },
        { "POST", "/oneentry/user-activity", "x-app-token" },
        { "POST", "/synerise/v4/events/custom", "X-Project-Id" },
        { "POST", "/synerise/v4/events/batch", "X-Project-Id" },
        { "POST", "/segment/v1/track", "X-Write-Key" },
        { "POST", "/segment/v1/batch", "X-Write-Key" },
        { "POST", "/v1/admin/projects", "" },
    };

    [Theory]
    [MemberData(nameof(IngestPaths))]
    public async Task Regression_InvalidUtf8Body_Is400NamingTheByteOffset_NotAnEmpty500(string method, string path, string projectHeader)
    {
        var project = await factory.CreateProjectAsync();
        var prefix = Encoding.UTF8.GetBytes("[{\"action\":\"x\",\"label\":\"caf");
        var body = prefix.Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\",\"userId\":\"u\"}]")).ToArray();
        using var http = factory.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{project}", project.Id)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (projectHeader.Length > 0) request.Headers.Add(projectHeader, project.Id);
        request.Headers.Add("X-CS-Personalize-User-Uid", "uid-1");
        request.Headers.Add("x-guest-id", "g-1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FootfallFactory.AdminToken);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Contains($"byte offset {prefix.Length}", JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Regression_LoneSurrogateOrNul_RefusesOnlyThatEvent_NamingTheField_AndKeepsItAsideSafely()
    {
        var project = await factory.CreateProjectAsync();
        using var http = project.Ingest();
        var body = """
            [{"action":"product_view","userId":"good","target":{"product":"sku-1"},"label":"tab\tand\nnewline are free text"},
             {"action":"note","userId":"bad","params":{"deep":{"list":["ok","a\ud800b"]}}},
             {"action":"note","userId":"bad","label":"x\ud800"},
             {"action":"note","userId":"victim\u0000x"},
             {"action":"note","userId":"bad","target":{"product":"p\u0001"}},
             {"action":"note","userId":"bad","params":{"k\u0000":1}},
             {"action":"note","guestId":"tab\tin an id"},
             {"action":"product_view","userId":"good","target":{"product":"sku-2"},"label":"emoji \ud83d\ude00 pairs are fine"}]
            """;
        var response = await http.PostAsync("/v1/events", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var result = JsonDocument.Parse(text).RootElement;
        Assert.Equal(2, result.GetProperty("accepted").GetInt32());
        var errors = result.GetProperty("rejected").EnumerateArray()
            .ToDictionary(r => r.GetProperty("index").GetInt32(), r => r.GetProperty("error").GetString()!);
        Assert.Equal([1, 2, 3, 4, 5, 6], errors.Keys.Order());
        Assert.StartsWith("params.deep.list[1] has a lone surrogate", errors[1]);
        Assert.StartsWith("label has a lone surrogate", errors[2]);
        Assert.StartsWith("userId has NUL", errors[3]);
        Assert.StartsWith("target.product has the control character U+0001", errors[4]);
        Assert.StartsWith("a property name in params has NUL", errors[5]);
        Assert.StartsWith("guestId has the control character U+0009", errors[6]);

        var activity = await project.GetAsync("/v1/people/activity?userId=good");
        Assert.Equal(2, activity.GetProperty("events").GetArrayLength());
        Assert.Equal(0, (await project.GetAsync("/v1/people/activity?userId=victim")).GetProperty("events").GetArrayLength());
        var kept = (await project.GetAsync("/v1/rejected?limit=20")).GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal(6, kept.Count);
        Assert.Contains(kept, r => r.GetProperty("raw").GetString()!.Contains("victim\\u0000x", StringComparison.Ordinal));
        Assert.Contains(kept, r => r.GetProperty("raw").GetString()!.Contains("a\\ud800b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_refuses_the_same_text_as_ingest()
    {
        var project = await factory.CreateProjectAsync();
        using var http = project.Ingest();
        var body = """[{"action":"a","userId":"u"},{"action":"a","userId":"u","label":"\ud800"}]""";
        var result = Json(await (await http.PostAsync("/v1/events/validate", new StringContent(body, Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync());
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal(1, result.GetProperty("rejected")[0].GetProperty("index").GetInt32());
    }

    [Fact]
    public async Task Each_dialect_refuses_a_bad_event_alone_and_keeps_it_aside()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();

        var (personalize, personalizeText) = await SendAsync(http, HttpMethod.Post, "/personalize/events",
            """[{"type":"EVENT","eventKey":"signup"},{"type":"EVENT","eventKey":"x\ud800"}]""",
            ("X-Project-Uid", project.Id), ("X-CS-Personalize-User-Uid", "pz-user"));
        Assert.True(personalize.IsSuccessStatusCode, personalizeText);
        Assert.Equal(1, Json(personalizeText).GetProperty("accepted").GetInt32());
        Assert.StartsWith("eventKey has a lone surrogate", Json(personalizeText).GetProperty("rejected")[0].GetProperty("error").GetString());

        var (crownpeak, crownpeakText) = await SendAsync(http, HttpMethod.Post, $"/collect/{project.Id}", """
            [{"action":"view","target":{"product":"p1"},"user":{"identities":{"sessionId":"cp-guest"}}},
             {"action":"view","target":{"product":"p1"},"user":{"identities":{"sessionId":"cp-guest","customerId":"victim\u0000"}}}]
            """);
        Assert.True(crownpeak.IsSuccessStatusCode, crownpeakText);
        Assert.Equal(1, Json(crownpeakText).GetProperty("accepted").GetInt32());
        Assert.StartsWith("user.identities.customerId has NUL", Json(crownpeakText).GetProperty("rejected")[0].GetProperty("error").GetString());

        var (batch, batchText) = await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/batch", """
            [{"action":"form.submit","label":"ok","client":{"uuid":"sy-guest"}},
             {"action":"form.submit","label":"l\ud800","client":{"uuid":"sy-guest"}}]
            """, ("X-Project-Id", project.Id));
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
        Assert.Equal(1, Json(batchText).GetProperty("accepted").GetInt32());

        var (custom, customText) = await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/custom",
            """{"action":"page.visit","label":"ok","client":{"uuid":"sy-guest"},"params":{"a":"\ud800"}}""", ("X-Project-Id", project.Id));
        Assert.Equal(HttpStatusCode.BadRequest, custom.StatusCode);
        Assert.StartsWith("params.a has a lone surrogate", Json(customText).GetProperty("error").GetString());

        var (oneEntry, oneEntryText) = await SendAsync(http, HttpMethod.Post, "/oneentry/user-activity",
            """{"type":"product_view","productId":"p\ud800"}""", ("x-app-token", project.Id), ("x-guest-id", "oe-guest"));
        Assert.Equal(HttpStatusCode.BadRequest, oneEntry.StatusCode);
        Assert.StartsWith("productId has a lone surrogate", Json(oneEntryText).GetProperty("error").GetString());

        var (header, headerText) = await SendAsync(http, HttpMethod.Post, "/oneentry/user-activity",
            """{"type":"product_view","productId":"p1"}""", ("x-app-token", project.Id), ("x-user-id", "u\u0001"));
        Assert.Equal(HttpStatusCode.BadRequest, header.StatusCode);
        Assert.StartsWith("userId has the control character U+0001", Json(headerText).GetProperty("error").GetString());

        var kept = (await project.GetAsync("/v1/rejected?limit=20")).GetProperty("rejected").EnumerateArray()
            .Select(r => r.GetProperty("source").GetString()).Order().ToList();
        Assert.Equal(["crownpeak", "oneentry", "oneentry", "personalize", "synerise", "synerise"], kept);
    }

    [Theory]
    [InlineData("caf\u00e9", "must be printable ASCII")]
    [InlineData("a\u0001b", "has the control character U+0001")]
    public async Task Regression_ManifestUidThatCannotBeEchoed_Is400WithAMintedUid_Not500(string uid, string message)
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (response, text) = await SendAsync(http, HttpMethod.Get, "/personalize/manifest", null,
            ("X-Project-Uid", project.Id), ("X-CS-Personalize-User-Uid", uid));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, Json(text).GetProperty("error").GetString());
        Assert.Matches("^anon_[0-9a-f]{32}$", response.Headers.GetValues("X-CS-Personalize-User-Uid").Single());
    }

    [Fact]
    public async Task Attributes_identify_and_admin_bodies_refuse_bad_text_with_400_naming_the_field()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        var (attributes, attributesText) = await SendAsync(http, HttpMethod.Patch, "/personalize/user-attributes",
            """{"nickname":"n\ud800"}""", ("X-Project-Uid", project.Id), ("X-CS-Personalize-User-Uid", "pz-1"));
        Assert.Equal(HttpStatusCode.BadRequest, attributes.StatusCode);
        Assert.StartsWith("body.nickname has a lone surrogate", Json(attributesText).GetProperty("error").GetString());

        var (uid, uidText) = await SendAsync(http, HttpMethod.Patch, "/personalize/user-attributes",
            """{"nickname":"n"}""", ("X-Project-Uid", project.Id), ("X-CS-Personalize-User-Uid", "pz\u0002"));
        Assert.Equal(HttpStatusCode.BadRequest, uid.StatusCode);
        Assert.StartsWith("X-CS-Personalize-User-Uid has the control character", Json(uidText).GetProperty("error").GetString());

        var (identify, identifyText) = await SendAsync(http, HttpMethod.Post, "/v1/identify",
            """{"guestId":"g","userId":"victim\u0000x"}""", ("X-Project-Id", project.Id));
        Assert.Equal(HttpStatusCode.BadRequest, identify.StatusCode);
        Assert.StartsWith("body.userId has NUL", Json(identifyText).GetProperty("error").GetString());

        var (tab, tabText) = await SendAsync(http, HttpMethod.Post, "/v1/identify", """{"guestId":"g","userId":"a\tb"}""", ("X-Project-Id", project.Id));
        Assert.Equal(HttpStatusCode.BadRequest, tab.StatusCode);
        Assert.StartsWith("userId has the control character U+0009", Json(tabText).GetProperty("error").GetString());

        var (admin, adminText) = await SendAsync(http, HttpMethod.Post, "/v1/admin/projects", """{"name":"s\ud800"}""",
            ("Authorization", $"Bearer {FootfallFactory.AdminToken}"));
        Assert.Equal(HttpStatusCode.BadRequest, admin.StatusCode);
        Assert.StartsWith("body.name has a lone surrogate", Json(adminText).GetProperty("error").GetString());
    }
}
