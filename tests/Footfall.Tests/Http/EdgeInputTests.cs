using System.Net;
using System.Text;
using Footfall.Identity;
using Footfall.Server.Dialects.Personalize;

namespace Footfall.Tests.Http;

/// <summary>Inputs at the edge of what a parameter or header can hold: a clear 4xx or a safe answer, never a 5xx.</summary>
public sealed class EdgeInputTests(RealServerFixture fixture) : IClassFixture<RealServerFixture>
{
    [Theory]
    [InlineData("from=0001-01-01")]
    [InlineData("to=0001-01-05")]
    [InlineData("from=0001-01-01&to=9999-12-31T23:59:59.999Z")]
    public async Task Regression_PerformanceFromYearOne_Answers500(string query)
    {
        using var http = fixture.Reader();
        var response = await http.GetAsync($"/v1/recommendations/performance?{query}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("\"feeds\"", text);
    }

    [Theory]
    [InlineData("GET", "/personalize/manifest")]
    [InlineData("POST", "/personalize/events")]
    [InlineData("PATCH", "/personalize/user-attributes")]
    public async Task Regression_NonAsciiPersonalizeUid_IsEchoedIntoA500(string method, string path)
    {
        // HttpClient refuses non-ASCII header values unless told how to encode them; browsers and curl send UTF-8.
        using var http = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
            { BaseAddress = new Uri(fixture.Server.Url) };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add(PersonalizeDialect.ProjectUidHeader, fixture.Server.DefaultProject().Id);
        request.Headers.Add(PersonalizeDialect.UserUidHeader, "élan-✓");
        if (method != "GET")
            request.Content = new StringContent(path.EndsWith("events", StringComparison.Ordinal) ? "[]" : "{}", Encoding.UTF8, "application/json");
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("printable ASCII", text);
        if (method == "GET")
        {
            // The manifest still hands the client a usable uid, as on every other error.
            var minted = Assert.Single(response.Headers.GetValues(PersonalizeDialect.UserUidHeader));
            Assert.True(AnonymousUid.IsMinted(minted), minted);
        }
    }
}
