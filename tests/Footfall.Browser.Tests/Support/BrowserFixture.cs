using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Footfall.Tests.Support;
using Microsoft.Playwright;

namespace Footfall.Browser.Tests.Support;

/// <summary>
/// One real <c>footfall serve --demo</c> process and one headless Chromium (the system's <c>/usr/bin/chromium</c>,
/// driven by Playwright; no browser is downloaded), shared by every test of the collection.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private ServerProcess? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private ShopSite? _shop;
    private readonly List<string> _console = [];

    /// <summary>The running server.</summary>
    public ServerProcess Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>The shared Chromium.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("not started");

    /// <summary>The default (demo) project's public id.</summary>
    public string ProjectId { get; private set; } = "";

    /// <summary>The default project's secret key.</summary>
    public string SecretKey { get; private set; } = "";

    /// <summary>A client of the server carrying the secret key.</summary>
    public HttpClient Api { get; private set; } = new();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        // Expect polls until its condition holds; Playwright's 5 s default is a speed bound that a loaded CI box (the
        // dashboard rendering 1,300 rows beside builds) can miss, while a wrong page still fails, only later.
        Assertions.SetDefaultExpectTimeout(30_000);
        // /healthz answers once the demo shop's 83,533 events are loaded: over the default 90 s at load 30, 183 s at
        // load 35-46. The bound is only for a start that never ends.
        var serverStart = ServerProcess.StartAsync(_data.Path, ["--demo"], timeout: TimeSpan.FromMinutes(10));
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        _server = await serverStart;
        (ProjectId, SecretKey) = _server.DefaultProject();
        Api = _server.Client();
        _shop = new ShopSite(_server.Url, ProjectId);
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SecretKey);
    }

    /// <summary>A fresh browser context (its own storage: a new visitor) with a 1280x900 viewport.</summary>
    public Task<IBrowserContext> NewContextAsync() => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
    });

    /// <summary>The sample shop page's site (another origin than the server).</summary>
    public ShopSite Shop => _shop ?? throw new InvalidOperationException("not started");

    /// <summary>What the shop pages printed to the console (errors included), for failure messages.</summary>
    public string ConsoleLog
    {
        get
        {
            lock (_console) return string.Join('\n', _console);
        }
    }

    /// <summary>A fresh visitor (its own storage) of the sample shop; the page's console is recorded.</summary>
    public async Task<IBrowserContext> NewShopVisitorAsync()
    {
        var context = await NewContextAsync();
        context.Console += (_, m) =>
        {
            lock (_console) _console.Add($"{m.Type}: {m.Text}");
        };
        return context;
    }

    /// <summary><c>GET /v1/people/activity</c> for a guest or user id: the events (newest first); empty when unknown.</summary>
    public async Task<IReadOnlyList<JsonElement>> ActivityAsync(string kind, string id, int limit = 1000)
    {
        using var response = await Api.GetAsync($"/v1/people/activity?{kind}={Uri.EscapeDataString(id)}&limit={limit}");
        if (response.StatusCode == HttpStatusCode.NotFound) return [];
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. doc.RootElement.GetProperty("events").EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>A GET on the read API, parsed; throws on a non-success status.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Api.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"GET {path} -> {(int)response.StatusCode}: {body}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    /// <summary>
    /// Polls the read API until <paramref name="done"/> holds for the person's events, or fails after a deadline.
    /// This waits for an external effect (the browser sends asynchronously: beacons, retries), it orders nothing;
    /// <paramref name="nudge"/> (e.g. <c>footfall.flush()</c>) runs before each look. The default deadline (60 s) only
    /// bounds a delivery that never comes: a loaded box can take seconds per beacon.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForActivityAsync(string kind, string id,
        Func<IReadOnlyList<JsonElement>, bool> done, Func<Task>? nudge = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (nudge is not null) await nudge();
            var events = await ActivityAsync(kind, id);
            if (done(events)) return events;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException(
                    $"the events of {kind} {id} did not arrive in time; the server has: {string.Join(", ", events.Select(e => e.GetProperty("action").GetString()))}\nbrowser console:\n{ConsoleLog}");
            await Task.Delay(100);
        }
    }

    /// <summary>The repository root (where Footfall.sln is), for docs/images.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Footfall.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Footfall.sln not found above " + AppContext.BaseDirectory);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        Api.Dispose();
        _shop?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>The browser tests share one server and one Chromium.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "browser";
}
