using System.Diagnostics;
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

    private Task<ServerProcess> StartFootfallAsync(double storeTimeoutSeconds = 2, string? connectionString = null, params string[] more) =>
        ServerProcess.StartAsync(_data.Path,
        ["--store", "clickhouse", "--clickhouse", connectionString ?? _clickHouse.ConnectionString("footfall"), "--store-timeout",
            storeTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), .. more]);

    // Issue 08 changed these tests' expectations on purpose: ingest acknowledges on the node's log, so ClickHouse
    // killed or paused no longer answers 503 at once; what issue 07 asked stays true: 0 acknowledged events lost,
    // 0 stored twice, no request hanging on the store, the process never exits.
    [Theory]
    [InlineData("INSERT INTO event_keys", true)]
    [InlineData("INSERT INTO links", false)]
    [InlineData("INSERT INTO persons", true)]
    [InlineData("INSERT INTO events", false)]
    [InlineData("INSERT INTO events", true)]
    [InlineData("INSERT INTO log_applied", false)]
    [InlineData("INSERT INTO log_applied", true)]
    [InlineData("KILL QUERY", true)]
    public async Task Regression_KeysDurableWithoutEvents_ClickHouseKilledAtEachStepOfAnApply_TheLogEntryIsStoredOnce(string statement, bool afterExecuting)
    {
        await using var proxy = await ClickHouseProxy.StartAsync(_clickHouse);
        await using var server = await StartFootfallAsync(connectionString: proxy.ConnectionString("footfall"));
        var (projectId, secret) = server.DefaultProject();
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        var batch = Enumerable.Range(0, 50).Select(i => new
        {
            id = $"e{i}", action = "product_view", userId = $"u{i % 5}", guestId = $"g{i % 5}", target = new { product = $"sku-{i}" },
        }).ToArray();

        // KILL QUERY runs only on the first apply after a failure: an earlier kill gets the applier there.
        var killed = statement == "KILL QUERY" ? proxy.KillAt("INSERT INTO events", afterExecuting: true) : proxy.KillAt(statement, afterExecuting);
        var first = await http.PostAsJsonAsync("/v1/events", batch);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await killed.WaitAsync(TimeSpan.FromSeconds(30));
        if (statement == "KILL QUERY")
        {
            killed = proxy.KillAt(statement, afterExecuting);
            await _clickHouse.RestartAsync();
            await killed.WaitAsync(TimeSpan.FromSeconds(30));
        }
        await _clickHouse.RestartAsync();

        // A client that never saw the answer retries: the node's key index knows the keys.
        var again = await (await http.PostAsJsonAsync("/v1/events", batch)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(50, again.GetProperty("duplicates").GetInt32());
        await server.WaitAppliedAsync(secret);

        var counts = await CountByIdAsync(projectId);
        Assert.Equal(50, counts.Count);
        Assert.All(counts, c => Assert.Equal(1, c.Value));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Regression_KeysDurableWithoutEvents_ClickHouseKilledOrPausedUnderLoad_No503_EveryAcknowledgedEventStoredExactlyOnce(bool pause)
    {
        // The subject is ClickHouse away, not CPU overload: on a busy CI box six senders can keep a request queued past
        // admission's 250 ms, whose 503 "retry shortly" is right there (AdmissionTests cover it).
        await using var server = await StartFootfallAsync(more: ["--Admission:MaxQueueDelay", "00:01:00"]);
        var (projectId, secret) = server.DefaultProject();
        const int Workers = 6, BatchesPerWorker = 80, Outages = 4;
        var acknowledgements = new SemaphoreSlim(0);
        var refused = 0;
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var http = server.Client();
        http.Timeout = TimeSpan.FromSeconds(30);
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);

        // Signed-in visitors (a user and a guest id on each event) make each apply link identifiers between its key
        // and event inserts. Each worker sends its batches in order and retries a batch until it is acknowledged, as an SDK does.
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
                    var response = await http.PostAsJsonAsync("/v1/events", batch);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                        Assert.Equal(50, body.GetProperty("accepted").GetInt32() + body.GetProperty("duplicates").GetInt32());
                        acknowledgements.Release();
                        break;
                    }
                    Interlocked.Increment(ref refused);
                    refusals.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    // The client's own back-off between retries; it orders nothing in the test.
                    await Task.Delay(50);
                }
            }
        }

        async Task AcknowledgedAsync(int count)
        {
            for (var i = 0; i < count; i++)
                Assert.True(await acknowledgements.WaitAsync(TimeSpan.FromSeconds(60)), $"no acknowledgement for 60 s ({refused} refused): {server.Output}");
        }

        var work = Enumerable.Range(0, Workers).Select(WorkAsync).ToList();
        for (var outage = 0; outage < Outages; outage++)
        {
            // An outage under load, after some progress; the node keeps acknowledging through it.
            await AcknowledgedAsync(15);
            await Task.Delay(Random.Shared.Next(0, 60));
            if (pause) _clickHouse.Pause(); else _clickHouse.Kill();
            // Acknowledgements go on while ClickHouse is away: a node that stopped acknowledging fails here, not hangs.
            await AcknowledgedAsync(40);
            if (pause) _clickHouse.Resume(); else await _clickHouse.RestartAsync();
        }
        await Task.WhenAll(work);
        Assert.False(server.HasExited);
        Assert.True(refused == 0, $"{refused} refused: {string.Join("; ", refusals.Take(5))}");
        await server.WaitAppliedAsync(secret);

        var counts = await CountByIdAsync(projectId);
        var expected = Enumerable.Range(0, Workers).SelectMany(w => Enumerable.Range(0, BatchesPerWorker)
            .SelectMany(b => Enumerable.Range(0, 50).Select(i => $"w{w}-b{b}-e{i}"))).ToList();
        var missing = expected.Where(id => !counts.ContainsKey(id)).ToList();
        var twice = counts.Where(c => c.Value > 1).Select(c => c.Key).ToList();
        Assert.True(missing.Count == 0 && twice.Count == 0,
            $"{missing.Count} acknowledged events missing (e.g. {string.Join(", ", missing.Take(5))}), {twice.Count} stored twice (e.g. {string.Join(", ", twice.Take(5))})");
        Assert.Equal(expected.Count, counts.Count);
    }

    // What the paused test bounds is a hang: a request waiting on the paused store without its timeout waits out the
    // ClickHouse client's 5 min (and a store wait within the 1 s timeout answers 503, which the status checks catch).
    // Tighter bounds (2 s, 5 s) were speed bounds that a loaded CI box can miss.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Regression_ClickHousePaused_RequestsHangForMinutes_IngestAcknowledgesIntoTheLog_ReadsAnswer503_HealthSaysStoreDown()
    {
        await using var server = await StartFootfallAsync(storeTimeoutSeconds: 1);
        var (projectId, secret) = server.DefaultProject();
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        using var reader = server.Client();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/v1/events", Event("before"))).StatusCode);

        _clickHouse.Pause();
        try
        {
            var started = Stopwatch.StartNew();
            var paused = await http.PostAsJsonAsync("/v1/events", Event("paused"));
            Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
            Assert.True(started.Elapsed < Hang, $"acknowledged after {started.Elapsed}");

            // /healthz stays 200 (the node takes events) and says the store is away once the applier or the probe met it.
            await EventuallyAsync(async () => (await http.GetStringAsync("/healthz")).Contains("unavailable", StringComparison.Ordinal));
            started.Restart();
            var read = await reader.GetAsync("/v1/people/activity?userId=u");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.NotNull(read.Headers.RetryAfter);
            Assert.True(started.Elapsed < Hang, $"the read answered after {started.Elapsed}");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/livez")).StatusCode);
        }
        finally
        {
            _clickHouse.Resume();
        }
        await server.WaitAppliedAsync(secret);
        var activity = await reader.GetFromJsonAsync<JsonElement>("/v1/people/activity?userId=u&limit=10");
        Assert.Equal(["paused", "before"], activity.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.DoesNotContain("unavailable", await http.GetStringAsync("/healthz"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regression_StoreFailureStopsTheHostWithExitCode0_ClickHouseKilled_ServerKeepsAcknowledgingAndDrainsWhenItReturns()
    {
        await using var server = await StartFootfallAsync();
        var (projectId, secret) = server.DefaultProject();
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/v1/events", Event("before"))).StatusCode);

        _clickHouse.Kill();
        // Writes, reads and health while ClickHouse is gone; the refresher and the probe fail meanwhile too.
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/v1/events", Event($"down-{i}"))).StatusCode);
        using (var reader = server.Client())
        {
            reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);
            var read = await reader.GetAsync("/v1/people/activity?userId=u");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.Contains("\"error\"", await read.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.False(server.HasExited);

        await _clickHouse.RestartAsync();
        await server.WaitAppliedAsync(secret);
        Assert.Equal(6, (await CountByIdAsync(projectId)).Count);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/v1/events", Event("after"))).StatusCode);
        Assert.False(server.HasExited);
        Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(7, (await CountByIdAsync(projectId)).Count);
    }

    [Fact]
    public async Task Footfall_killed_9_while_applying_to_ClickHouse_resumes_from_its_mark_and_stores_every_acknowledged_event_once()
    {
        var acknowledged = new HashSet<string>();
        string projectId = "", secret = "";
        for (var cycle = 0; cycle < 4; cycle++)
        {
            await using var server = await StartFootfallAsync();
            (projectId, secret) = server.DefaultProject();
            using var http = server.Client();
            http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
            // Enough acknowledged entries that the applier is inside a batch when the kill comes.
            var sends = Enumerable.Range(0, 40).Select(async b =>
            {
                var ids = Enumerable.Range(0, 50).Select(i => $"c{cycle}-b{b}-e{i}").ToArray();
                var response = await http.PostAsJsonAsync("/v1/events", ids.Select(id => new { id, action = "signup", userId = $"u{cycle}-{b % 7}" }));
                if (response.StatusCode == HttpStatusCode.OK)
                    lock (acknowledged) acknowledged.UnionWith(ids);
            }).ToList();
            await Task.WhenAll(sends);
            server.Kill();
        }
        await using (var last = await StartFootfallAsync())
            await last.WaitAppliedAsync(secret);

        var counts = await CountByIdAsync(projectId);
        Assert.True(acknowledged.IsSubsetOf(counts.Keys), "an acknowledged event was lost");
        Assert.All(counts, c => Assert.Equal(1, c.Value));
        Assert.Equal(acknowledged.Count, counts.Count);
    }

    private static object[] Event(string id) => [new { id, action = "signup", userId = "u" }];

    // Polling the server's own report; each read already waits (bounded) for the applier.
    private static Task EventuallyAsync(Func<Task<bool>> done) =>
        Poll.UntilAsync(done, TimeSpan.FromSeconds(60), "the server did not get there within 60 s", everyMs: 100);

    private async Task<Dictionary<string, int>> CountByIdAsync(string projectId)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_clickHouse.HttpPort}") };
        var sql = $"SELECT eid, count() FROM footfall.events WHERE project = '{projectId}' GROUP BY eid FORMAT TabSeparated";
        var text = await (await http.PostAsync("/", new StringContent(sql))).Content.ReadAsStringAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .ToDictionary(f => f[0], f => int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
