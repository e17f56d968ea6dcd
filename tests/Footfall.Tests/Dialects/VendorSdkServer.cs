using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Dialects;

/// <summary>One real server process shared by the vendor SDK tests (starting one is the slow part).</summary>
public sealed class VendorSdkServer : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private ServerProcess? _server;

    /// <summary>The running server.</summary>
    public ServerProcess Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>A client sending the default project's secret key.</summary>
    public HttpClient Reader()
    {
        var http = Server.Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Server.DefaultProject().SecretKey);
        return http;
    }

    /// <summary>GETs a read endpoint and parses it; fails the test on a non-200.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        using var http = Reader();
        var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// GETs until <paramref name="done"/> holds (at most 120 s): for what the server learns in the background. The
    /// refresher waits four times its last refresh between rounds, so a loaded box spaces them out; the deadline bounds
    /// only a server that never learns it.
    /// </summary>
    public Task<JsonElement> EventuallyAsync(string path, Func<JsonElement, bool> done) =>
        Poll.UntilAsync(() => GetAsync(path), done, TimeSpan.FromSeconds(120), body => $"GET {path} never satisfied the condition; last: {body.GetRawText()}");

    /// <summary>PUTs JSON with the secret key; fails the test on a non-200.</summary>
    public async Task PutAsync(string path, object body)
    {
        using var http = Reader();
        var response = await http.PutAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"PUT {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_data.Path);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>The tests that share <see cref="VendorSdkServer"/>; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class VendorSdkCollection : ICollectionFixture<VendorSdkServer>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "vendor SDKs";
}
