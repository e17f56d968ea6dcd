using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Http;

/// <summary>CONTRACT §3: an event counted in <c>accepted</c> survives <c>kill -9</c> right after the reply.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Every_acknowledged_event_survives_kill_9_exactly_once()
    {
        using var data = new TempFolder();
        var acknowledged = new List<string>();
        // The subject is durability, not overload: on a loaded CI box 16 concurrent batches can keep one waiting for its
        // group commit past admission's 250 ms, whose 503 "retry shortly" is right (AdmissionTests cover it).
        var server = await ServerProcess.StartAsync(data.Path, ["--Admission:MaxQueueDelay", "00:01:00"]);
        var (projectId, secret) = server.DefaultProject();
        using (var http = server.Client())
        {
            http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
            // Concurrent batches so that acknowledgements come from shared group commits.
            var sends = Enumerable.Range(0, 16).Select(async batch =>
            {
                var events = Enumerable.Range(0, 50).Select(i => new
                {
                    id = $"b{batch}-e{i}", action = "product_view", userId = $"user-{i % 7}", target = new { product = $"sku-{i}" },
                }).ToArray();
                var response = await http.PostAsJsonAsync("/v1/events", events);
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(50, body.GetProperty("accepted").GetInt32());
                lock (acknowledged) acknowledged.AddRange(events.Select(e => e.id));
            }).ToList();
            await Task.WhenAll(sends);
        }
        server.Kill();
        await server.DisposeAsync();

        await using var restarted = await ServerProcess.StartAsync(data.Path);
        await restarted.WaitAppliedAsync(secret);
        using var reader = restarted.Client();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        var stored = new List<string>();
        for (var u = 0; u < 7; u++)
        {
            var activity = await reader.GetFromJsonAsync<JsonElement>($"/v1/people/activity?userId=user-{u}&limit=1000");
            stored.AddRange(activity.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
        }
        Assert.Equal(acknowledged.Count, stored.Count);
        Assert.Equal(acknowledged.Order(), stored.Order());

        // Retrying every acknowledged batch after the restart stores nothing twice.
        using var ingest = restarted.Client();
        ingest.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        var retry = await ingest.PostAsJsonAsync("/v1/events", acknowledged.Take(1000).Select(id => new { id, action = "product_view", userId = "user-0", target = new { product = "sku-0" } }));
        var retried = await retry.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, retried.GetProperty("accepted").GetInt32());
        Assert.Equal(800, retried.GetProperty("duplicates").GetInt32());
    }

    [Fact]
    public async Task Sigterm_drains_and_exits_cleanly()
    {
        using var data = new TempFolder();
        var server = await ServerProcess.StartAsync(data.Path);
        var (projectId, secret) = server.DefaultProject();
        using (var http = server.Client())
        {
            http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
            var response = await http.PostAsJsonAsync("/v1/events", new[] { new { id = "last", action = "signup", userId = "u" } });
            response.EnsureSuccessStatusCode();
        }
        Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(30)));
        await server.DisposeAsync();
        await using var restarted = await ServerProcess.StartAsync(data.Path);
        using var reader = restarted.Client();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        var activity = await reader.GetFromJsonAsync<JsonElement>("/v1/people/activity?userId=u");
        Assert.Equal("last", activity.GetProperty("events")[0].GetProperty("id").GetString());
    }
}
