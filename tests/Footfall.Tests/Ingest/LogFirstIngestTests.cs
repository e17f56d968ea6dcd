using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Events;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Ingest;

/// <summary>Issue 08: acknowledge on the durable log, apply behind it, exactly once by position.</summary>
public sealed class LogFirstIngestTests
{
    private const int Users = 10;
    private const int BatchSize = 20;

    [Fact]
    public async Task Kill_9_at_random_moments_under_load_loses_no_acknowledged_event_and_stores_none_twice()
    {
        using var data = new TempFolder();
        var random = new Random();
        var pending = new Queue<string[]>();
        var acknowledged = new HashSet<string>();
        var sent = new HashSet<string>();
        var nextBatch = 0;
        string? projectId = null, secret = null;
        for (var cycle = 0; cycle < 4; cycle++)
        {
            await using var server = await ServerProcess.StartAsync(data.Path);
            (projectId, secret) = server.DefaultProject();
            var killAfter = random.Next(3, 30);
            var acks = 0;
            var killNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var workers = Enumerable.Range(0, 8).Select(async _ =>
            {
                using var http = server.Client();
                http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
                while (!killNow.Task.IsCompleted)
                {
                    string[] batch;
                    lock (pending)
                    {
                        if (!pending.TryDequeue(out batch!))
                        {
                            var b = nextBatch++;
                            batch = [.. Enumerable.Range(0, BatchSize).Select(i => $"c{b}-{i}")];
                            sent.UnionWith(batch);
                        }
                    }
                    if (!await TrySendAsync(http, batch))
                    {
                        lock (pending) pending.Enqueue(batch);
                        return;
                    }
                    lock (pending)
                    {
                        acknowledged.UnionWith(batch);
                        if (++acks == killAfter)
                            killNow.TrySetResult();
                    }
                }
            }).ToList();
            await Task.WhenAny(killNow.Task, Task.WhenAll(workers));
            server.Kill();
            await Task.WhenAll(workers);
        }

        await using var last = await ServerProcess.StartAsync(data.Path);
        using (var http = last.Client())
        {
            http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
            // The client retries every batch it never saw acknowledged; some of them were durable before the kill.
            while (pending.TryDequeue(out var batch))
                Assert.True(await TrySendAsync(http, batch));
        }
        await last.WaitAppliedAsync(secret!);
        using var reader = last.Client();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        var stored = new List<string>();
        for (var u = 0; u < Users; u++)
        {
            var activity = await reader.GetFromJsonAsync<JsonElement>($"/v1/people/activity?userId=user-{u}&limit=1000");
            stored.AddRange(activity.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
        }
        Assert.True(acknowledged.IsSubsetOf(stored), "an acknowledged event was lost");
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Equal(sent.Order(), stored.Order());
    }

    private static async Task<bool> TrySendAsync(HttpClient http, string[] batch)
    {
        var events = batch.Select(id => new
        {
            id, action = "product_view", userId = $"user-{Math.Abs(id.GetHashCode()) % Users}", target = new { product = "sku-1" },
        });
        try
        {
            using var response = await http.PostAsJsonAsync("/v1/events", events);
            if (!response.IsSuccessStatusCode)
                return false;
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(batch.Length, body.GetProperty("accepted").GetInt32() + body.GetProperty("duplicates").GetInt32());
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return false;
        }
    }

    [Fact]
    public async Task The_same_log_entry_applied_twice_is_stored_once()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "f.duckdb");
        var write = new ProjectWrite("p1", [new TrackedEvent { Key = "k1", Action = "signup", UserId = "u1", Time = DateTime.UtcNow, ReceivedAt = DateTime.UtcNow }], [], []);
        await using (var store = new DuckDbEventStore(path, NullLogger<DuckDbEventStore>.Instance))
        {
            await store.InitializeAsync();
            await store.CreateProjectAsync(new Project("p1", "shop", "hash", DateTime.UtcNow));
            await store.ApplyAsync([write], [100]);
            await store.ApplyAsync([write], [100]);
            Assert.Equal(100, await store.AppliedPositionAsync());
        }
        // After a restart, as after a crash between the store's commit and the applier's next read.
        await using (var store = new DuckDbEventStore(path, NullLogger<DuckDbEventStore>.Instance))
        {
            await store.InitializeAsync();
            await store.ApplyAsync([write], [100]);
            Assert.Equal(100, await store.AppliedPositionAsync());
            Assert.Single((await store.GetActivityAsync("p1", Footfall.Identity.Identifier.User("u1"), 10)).Events);
        }
    }

    [Fact]
    public async Task A_read_right_after_an_acknowledgement_sees_the_write()
    {
        await using var factory = new FootfallFactory();
        var project = await factory.CreateProjectAsync();
        using var reader = project.Reader();
        for (var i = 0; i < 25; i++)
        {
            await project.TrackAsync(new { id = $"ryw-{i}", action = "signup", userId = $"ryw-user-{i}" });
            using var response = await reader.GetAsync($"/v1/people/activity?userId=ryw-user-{i}");
            response.EnsureSuccessStatusCode();
            Assert.False(response.Headers.Contains("Footfall-Applied-Lag"));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal($"ryw-{i}", body.GetProperty("events")[0].GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task A_clean_shutdown_applies_everything_and_leaves_no_event_bytes_in_the_log()
    {
        using var data = new TempFolder();
        var server = await ServerProcess.StartAsync(data.Path);
        var (projectId, secret) = server.DefaultProject();
        using (var http = server.Client())
        {
            http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
            var response = await http.PostAsJsonAsync("/v1/events", Enumerable.Range(0, 200).Select(i =>
                new { id = $"e{i}", action = "signup", userId = "erasable-person-marker" }));
            response.EnsureSuccessStatusCode();
        }
        Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(30)));
        await server.DisposeAsync();

        var segments = Directory.GetFiles(Path.Combine(data.Path, "log"));
        Assert.Single(segments);
        Assert.Equal(0, new FileInfo(segments[0]).Length);
        Assert.NotEqual(0, long.Parse(Path.GetFileNameWithoutExtension(segments[0]), System.Globalization.CultureInfo.InvariantCulture));

        await using var restarted = await ServerProcess.StartAsync(data.Path);
        using var reader = restarted.Client();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        var activity = await reader.GetFromJsonAsync<JsonElement>("/v1/people/activity?userId=erasable-person-marker&limit=1000");
        Assert.Equal(200, activity.GetProperty("events").GetArrayLength());
        using var ingest = restarted.Client();
        ingest.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        var retry = await ingest.PostAsJsonAsync("/v1/events", new[] { new { id = "e0", action = "signup", userId = "erasable-person-marker" } });
        Assert.Equal(1, (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicates").GetInt32());
    }
}
