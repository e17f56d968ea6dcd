using System.Text.Json;
using Footfall.Tests.Support;
using static Footfall.Tests.Dialects.DialectHttp;

namespace Footfall.Tests.Dialects;

/// <summary>
/// A rejected event keeps the identifiers its dialect carries (body and headers), and erasure removes it by exactly
/// those: never by a substring of its raw text.
/// </summary>
public sealed class QuarantineErasureTests(FootfallFactory factory) : IClassFixture<FootfallFactory>
{
    private const string PhoneRaw = """{"userId":"someone","params":{"phone":"+1-555-0100"}}""";

    [Fact]
    public async Task Regression_QuarantineErasureBySubstring_MissedEscapedIdAndHitUnrelatedRows()
    {
        var project = await factory.CreateProjectAsync();
        using var http = project.Ingest();
        // No action: each is rejected. "\u0061lice" is alice, spelled so the raw text never contains her id.
        var (response, _) = await SendAsync(http, HttpMethod.Post, "/v1/events", $$"""[{"userId":"\u0061lice"}, {"userId":1}, {{PhoneRaw}}]""");
        response.EnsureSuccessStatusCode();
        Assert.Equal(3, await RejectedCountAsync(project));

        await EraseAsync(project, "userId=alice");
        await EraseAsync(project, "userId=1");
        Assert.Equal([PhoneRaw], await RejectedRawAsync(project));
    }

    [Fact]
    public async Task Every_dialect_keeps_the_identifiers_of_what_it_rejects_for_erasure()
    {
        var project = await factory.CreateProjectAsync();
        using var http = factory.CreateClient();
        (await SendAsync(http, HttpMethod.Post, "/v1/events", $$"""[{{PhoneRaw}}]""", ("X-Project-Id", project.Id))).Response.EnsureSuccessStatusCode();
        // Personalize: the person is the uid header; the item itself names nobody.
        (await SendAsync(http, HttpMethod.Post, "/personalize/events", """[{"type":"BOGUS"}]""",
            ("X-Project-Uid", project.Id), ("X-CS-Personalize-User-Uid", "pers-uid"))).Response.EnsureSuccessStatusCode();
        // Crownpeak: no target; every identity is the person's.
        (await SendAsync(http, HttpMethod.Post, $"/collect/{project.Id}",
            """[{"action":"view","user":{"identities":{"sessionId":"xo-session","customerId":"xo-customer"}}}]""")).Response.EnsureSuccessStatusCode();
        // Synerise: the action breaks context.action; client.email is a user id.
        (await SendAsync(http, HttpMethod.Post, "/synerise/v4/events/batch",
            """[{"action":"bad","label":"l","client":{"email":"syn@example.org","uuid":"syn-uuid"}}]""", ("X-Project-Id", project.Id))).Response.EnsureSuccessStatusCode();
        // OneEntry: a well-formed event refused by the project's action list; the person is in the headers.
        using (var reader = project.Reader())
            (await SendAsync(reader, HttpMethod.Put, "/v1/settings/actions", new { deny = new[] { "product_view" } })).Response.EnsureSuccessStatusCode();
        await SendAsync(http, HttpMethod.Post, "/oneentry/user-activity", """{"type":"product_view","productId":"p1"}""",
            ("x-app-token", project.Id), ("x-user-id", "one-user"));
        Assert.Equal(5, await RejectedCountAsync(project));

        await EraseAsync(project, "userId=pers-uid");
        await EraseAsync(project, "guestId=xo-session");
        await EraseAsync(project, "guestId=syn-uuid");
        await EraseAsync(project, "userId=one-user");
        Assert.Equal([PhoneRaw], await RejectedRawAsync(project));
    }

    private static async Task EraseAsync(TestProject project, string who)
    {
        using var reader = project.Reader();
        (await reader.DeleteAsync($"/v1/people?{who}")).EnsureSuccessStatusCode();
    }

    private static async Task<int> RejectedCountAsync(TestProject project) => (await RejectedRawAsync(project)).Count;

    private static async Task<List<string>> RejectedRawAsync(TestProject project) =>
        (await project.GetAsync("/v1/rejected?limit=100")).GetProperty("rejected").EnumerateArray()
            .Select(r => r.GetProperty("raw").GetString()!).ToList();
}
