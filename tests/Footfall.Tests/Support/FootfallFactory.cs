using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Ingest;
using Footfall.Server.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Footfall.Tests.Support;

/// <summary>
/// The real server in process, on a real DuckDB file in a temp folder, through <see cref="WebApplicationFactory{T}"/>.
/// The default project (created at start, as with no admin token) is ready to use.
/// </summary>
public sealed class FootfallFactory : WebApplicationFactory<Program>
{
    private readonly TempFolder _data = new();

    /// <summary>The admin token this server accepts.</summary>
    public const string AdminToken = "test-admin-token";

    /// <summary>Extra configuration, e.g. <c>Footfall:Demo</c>.</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>The data folder.</summary>
    public string DataFolder => _data.Path;

    /// <summary>Service changes applied after the server's own, e.g. to wrap its store.</summary>
    public Action<IServiceCollection>? TestServices { get; set; }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Footfall:Data", _data.Path);
        builder.UseSetting("Footfall:AdminToken", AdminToken);
        builder.UseSetting("Footfall:Demo", "false");
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(services => TestServices?.Invoke(services));
    }

    /// <summary>
    /// Waits until the store holds everything acknowledged so far. What reads the store without a request (a model
    /// refresh called directly) needs it; a read's own wait is bounded (<c>Log:ReadWait</c>, and none while an apply runs
    /// past the applier's stall bound), which a loaded box passes after a burst.
    /// </summary>
    public async Task WaitAppliedAsync()
    {
        if (Services.GetRequiredService<IIngestWriter>() is LogIngest ingest)
            Assert.True(await ingest.WaitAppliedAsync(TimeSpan.FromMinutes(2)), "the applier did not store what was acknowledged in 2 min");
    }

    /// <summary>Creates a new project through the admin API.</summary>
    public async Task<TestProject> CreateProjectAsync(string name = "shop")
    {
        using var http = CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        var response = await http.PostAsJsonAsync("/v1/admin/projects", new { name });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new TestProject(this, body.GetProperty("id").GetString()!, body.GetProperty("secretKey").GetString()!);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _data.Dispose();
    }
}

/// <summary>A project on a test server, with clients for ingest (public id) and reads (secret key).</summary>
public sealed record TestProject(FootfallFactory Factory, string Id, string SecretKey)
{
    /// <summary>A client that sends the secret key.</summary>
    public HttpClient Reader()
    {
        var http = Factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SecretKey);
        return http;
    }

    /// <summary>A client that sends <c>X-Project-Id</c>.</summary>
    public HttpClient Ingest()
    {
        var http = Factory.CreateClient();
        http.DefaultRequestHeaders.Add("X-Project-Id", Id);
        return http;
    }

    /// <summary>Posts events to <c>/v1/events</c> and returns the parsed answer; fails the test on a non-200.</summary>
    public async Task<JsonElement> TrackAsync(params object[] events)
    {
        using var http = Ingest();
        var response = await http.PostAsJsonAsync("/v1/events", events);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"ingest answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>GETs a read endpoint with the secret key and parses the JSON; fails the test on a non-200.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        using var http = Reader();
        var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
