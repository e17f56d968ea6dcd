using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Footfall.Tests.Support;

/// <summary>
/// A person with identifiers and payload in every place Footfall keeps them (events, links, attributes, the
/// quarantine), someone else beside them, and a byte scan of a folder for what must be gone after erasure.
/// </summary>
public static class ErasureScenario
{
    public const string VictimUser = "victim-user-5f3a";
    public const string VictimGuest = "victim-guest-9c1d";
    public const string OtherUser = "other-user-3b7c";

    /// <summary>Everything of the person that no file may hold once they are erased and the server has shut down cleanly.</summary>
    public static readonly string[] VictimStrings =
        [VictimUser, VictimGuest, "Victim label 7e2b", "victim.person@example.org", "Qx0b4eKeptAsideBody", "victim-attribute-41d0"];

    /// <summary>Stores the person's and the other one's data through the public API of <paramref name="server"/>.</summary>
    public static async Task SeedAsync(ServerProcess server, string projectId)
    {
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        var response = await http.PostAsJsonAsync("/v1/events", new object[]
        {
            new { action = "signup", userId = VictimUser, guestId = VictimGuest, label = "Victim label 7e2b",
                  @params = new { email = "victim.person@example.org" } },
            new { action = "product_view", guestId = VictimGuest, target = new { product = "sku-1" } },
            // Rejected (no action): kept aside with its raw body.
            new { userId = VictimUser, label = "Qx0b4eKeptAsideBody" },
            new { action = "signup", userId = OtherUser, label = "Other label", @params = new { email = "other.person@example.org" } },
            new { userId = OtherUser, @params = new { phone = "+1-555-0100" } },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, body.GetProperty("accepted").GetInt32());
        Assert.Equal(2, body.GetProperty("rejected").GetArrayLength());
        // Attributes come in through Personalize, whose uid is a user id.
        using var attributes = new HttpRequestMessage(HttpMethod.Patch, "/personalize/user-attributes")
        {
            Content = JsonContent.Create(new { note = "victim-attribute-41d0" }),
        };
        attributes.Headers.Add("X-Project-Uid", projectId);
        attributes.Headers.Add("X-CS-Personalize-User-Uid", VictimUser);
        (await http.SendAsync(attributes)).EnsureSuccessStatusCode();
    }

    /// <summary>Erases the person by their guest id.</summary>
    public static async Task EraseAsync(ServerProcess server, string secret)
    {
        using var reader = Reader(server, secret);
        var erased = await (await reader.DeleteAsync($"/v1/people?guestId={VictimGuest}")).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, erased.GetProperty("erasedEvents").GetInt64());
    }

    /// <summary>The person is gone from every read; the other one's event and rejected event are all there.</summary>
    public static async Task AssertOnlyVictimGoneAsync(ServerProcess server, string secret)
    {
        using var reader = Reader(server, secret);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"/v1/people?userId={VictimUser}")).StatusCode);
        var other = await reader.GetFromJsonAsync<JsonElement>($"/v1/people/activity?userId={OtherUser}");
        Assert.Equal("Other label", Assert.Single(other.GetProperty("events").EnumerateArray()).GetProperty("label").GetString());
        var rejected = await reader.GetFromJsonAsync<JsonElement>("/v1/rejected?limit=10");
        var raw = Assert.Single(rejected.GetProperty("rejected").EnumerateArray()).GetProperty("raw").GetString();
        Assert.Contains("555-0100", raw);
    }

    /// <summary>Each of <see cref="VictimStrings"/> found in some file under <paramref name="folder"/>, with the file.</summary>
    public static List<string> FindVictimBytes(string folder)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (IOException)
            {
                // A file the server removed while we walked the folder holds nothing any more.
                continue;
            }
            foreach (var s in VictimStrings)
            {
                if (bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(s)) >= 0)
                    found.Add($"{s} in {Path.GetRelativePath(folder, file)}");
            }
        }
        return found;
    }

    /// <summary>A client of <paramref name="server"/> with the project's secret key.</summary>
    public static HttpClient Reader(ServerProcess server, string secret)
    {
        var http = server.Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }
}
