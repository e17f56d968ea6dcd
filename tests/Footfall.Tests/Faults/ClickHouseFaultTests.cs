using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Faults;

/// <summary>
/// A real <c>footfall serve --store clickhouse</c> process while its real clickhouse-server is killed (kill -9) and
/// restarted on the same data, or paused (SIGSTOP). Each test owns its ClickHouse: the shared one cannot be killed.
/// </summary>
public sealed class ClickHouseFaultTests : IAsyncLifetime
{
    private readonly ClickHouseServer _clickHouse = new();
    private readonly TempFolder _data = new();

    public Task InitializeAsync() => _clickHouse.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _clickHouse.DisposeAsync();
        _data.Dispose();
    }

    private Task<ServerProcess> StartFootfallAsync(double storeTimeoutSeconds = 2, string? connectionString = null) => ServerProcess.StartAsync(_data.Path,
        ["--store", "clickhouse", "--clickhouse", connectionString ?? _clickHouse.ConnectionString("footfall"), "--store-timeout",
            storeTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    [Theory]
    [InlineData("INSERT INTO event_keys", true)]
    [InlineData("INSERT INTO links", false)]
    [InlineData("INSERT INTO persons", true)]
    [InlineData("INSERT INTO events", false)]
    [InlineData("INSERT INTO events", true)]
    [InlineData("INSERT INTO commits", false)]
    [InlineData("INSERT INTO commits", true)]
    public async Task Regression_KeysDurableWithoutEvents_ClickHouseKilledAtEachStepOfACommit_TheRetryStoresTheBatchOnce(string statement, bool afterExecuting)
    {
        await using var proxy = await ClickHouseProxy.StartAsync(_clickHouse);
        await using var server = await StartFootfallAsync(connectionString: proxy.ConnectionString("footfall"));
        var (projectId, _) = server.DefaultProject();
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        var batch = Enumerable.Range(0, 50).Select(i => new
        {
            id = $"e{i}", action = "product_view", userId = $"u{i % 5}", guestId = $"g{i % 5}", target = new { product = $"sku-{i}" },
        }).ToArray();

        var killed = proxy.KillAt(statement, afterExecuting);
        var first = await http.PostAsJsonAsync("/v1/events", batch);
        await killed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        await _clickHouse.RestartAsync();

        // The client retries what was not acknowledged, until it is.
        HttpResponseMessage retry;
        do
        {
            retry = await http.PostAsJsonAsync("/v1/events", batch);
        }
        while (retry.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var again = await (await http.PostAsJsonAsync("/v1/events", batch)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(50, again.GetProperty("duplicates").GetInt32());

        var counts = await CountByIdAsync(projectId);
        Assert.Equal(50, counts.Count);
        Assert.All(counts, c => Assert.Equal(1, c.Value));
    }

    [Fact]
    public async Task Regression_KeysDurableWithoutEvents_ClickHouseKilledMidCommit_EveryAcknowledgedEventStoredExactlyOnce()
    {
        await using var server = await StartFootfallAsync();
        var (projectId, _) = server.DefaultProject();
        const int Workers = 6, BatchesPerWorker = 80, Kills = 8;
        var acknowledgements = new SemaphoreSlim(0);
        var failures = new SemaphoreSlim(0);
        using var http = server.Client();
        http.Timeout = TimeSpan.FromSeconds(30);
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);

        // Signed-in visitors (a user and a guest id on each event) make each commit link identifiers between its key
        // and event inserts, as in production. Each worker sends its batches in order and retries a batch until it is acknowledged, as an SDK does.
        async Task WorkAsync(int worker)
        {
            for (var b = 0; b < BatchesPerWorker; b++)
            {
                var batch = Enumerable.Range(0, 50).Select(i => new
                {
                    id = $"w{worker}-b{b}-e{i}", action = "product_view", userId = $"u{worker}-{b}-{i % 5}", guestId = $"g{worker}-{b}-{i % 5}",
                    target = new { product = $"sku-{i}" },
                }).ToArray();
                while (true)
                {
                    try
                    {
                        var response = await http.PostAsJsonAsync("/v1/events", batch);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                            Assert.Equal(50, body.GetProperty("accepted").GetInt32() + body.GetProperty("duplicates").GetInt32());
                            acknowledgements.Release();
                            break;
                        }
                        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    }
                    catch (HttpRequestException)
                    {
                        Assert.Fail($"the Footfall process went away: {server.Output}");
                    }
                    failures.Release();
                    // The client's own back-off between retries; it orders nothing in the test.
                    await Task.Delay(50);
                }
            }
        }

        var work = Enumerable.Range(0, Workers).Select(WorkAsync).ToList();
        for (var kill = 0; kill < Kills; kill++)
        {
            // Kill under load, after some progress. An acknowledgement is the end of a commit, so killing right on it
            // would always hit the next commit's first step: a random pause spreads the kills over every step.
            for (var i = 0; i < 15; i++)
                await acknowledgements.WaitAsync();
            await Task.Delay(Random.Shared.Next(0, 60));
            _clickHouse.Kill();
            while (failures.CurrentCount > 0) await failures.WaitAsync();
            await failures.WaitAsync();
            await _clickHouse.RestartAsync();
        }
        await Task.WhenAll(work);
        Assert.False(server.HasExited);

        var counts = await CountByIdAsync(projectId);
        var expected = Enumerable.Range(0, Workers).SelectMany(w => Enumerable.Range(0, BatchesPerWorker)
            .SelectMany(b => Enumerable.Range(0, 50).Select(i => $"w{w}-b{b}-e{i}"))).ToList();
        var missing = expected.Where(id => !counts.ContainsKey(id)).ToList();
        var twice = counts.Where(c => c.Value > 1).Select(c => c.Key).ToList();
        Assert.True(missing.Count == 0 && twice.Count == 0,
            $"{missing.Count} acknowledged events missing (e.g. {string.Join(", ", missing.Take(5))}), {twice.Count} stored twice (e.g. {string.Join(", ", twice.Take(5))})");
        Assert.Equal(expected.Count, counts.Count);
    }

    [Fact]
    public async Task Regression_ClickHousePaused_RequestsHangForMinutes_AnswerWithin503AndHealthSaysDown()
    {
        await using var server = await StartFootfallAsync(storeTimeoutSeconds: 1);
        var (projectId, _) = server.DefaultProject();
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/v1/events", Event("before"))).StatusCode);

        _clickHouse.Pause();
        try
        {
            var started = DateTime.UtcNow;
            var paused = await http.PostAsJsonAsync("/v1/events", Event("paused"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, paused.StatusCode);
            Assert.NotNull(paused.Headers.RetryAfter);
            Assert.Contains("\"error\"", await paused.Content.ReadAsStringAsync());
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), $"answered after {DateTime.UtcNow - started}");

            var health = await http.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("store", await health.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/livez")).StatusCode);
        }
        finally
        {
            _clickHouse.Resume();
        }
        await WaitUntilHealthyAsync(http);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/v1/events", Event("after"))).StatusCode);
    }

    [Fact]
    public async Task Regression_StoreFailureStopsTheHostWithExitCode0_ClickHouseKilled_ServerKeepsRunningAnd503sThenRecovers()
    {
        await using var server = await StartFootfallAsync();
        var (projectId, secret) = server.DefaultProject();
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/v1/events", Event("before"))).StatusCode);

        _clickHouse.Kill();
        // Writes, reads and health while ClickHouse is gone; the refresher and the probe fail meanwhile too.
        for (var i = 0; i < 5; i++)
        {
            var write = await http.PostAsJsonAsync("/v1/events", Event($"down-{i}"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
            Assert.NotNull(write.Headers.RetryAfter);
        }
        using (var reader = server.Client())
        {
            reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);
            var read = await reader.GetAsync("/v1/people/activity?userId=u");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.Contains("\"error\"", await read.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/healthz")).StatusCode);
        Assert.False(server.HasExited);

        await _clickHouse.RestartAsync();
        await WaitUntilHealthyAsync(http);
        var after = await http.PostAsJsonAsync("/v1/events", Event("after"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.False(server.HasExited);
        Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    private static object[] Event(string id) => [new { id, action = "signup", userId = "u" }];

    private static async Task WaitUntilHealthyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await http.GetAsync("/healthz")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the server did not report the store back within 30 s");
            // Polling the server's own report of the store; the probe runs each second.
            await Task.Delay(100);
        }
    }

    private async Task<Dictionary<string, int>> CountByIdAsync(string projectId)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_clickHouse.HttpPort}") };
        var sql = $"SELECT eid, count() FROM footfall.events WHERE project = '{projectId}' GROUP BY eid FORMAT TabSeparated";
        var text = await (await http.PostAsync("/", new StringContent(sql))).Content.ReadAsStringAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .ToDictionary(f => f[0], f => int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
