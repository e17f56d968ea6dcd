using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Faults;

/// <summary>The embedded store out of its memory limit (<c>--duckdb-memory</c>) under a real server process.</summary>
public sealed class DuckDbOutOfMemoryTests
{
    /// <summary>
    /// A read the buffer cannot hold answers 503 naming the setting, with no <c>Retry-After</c> (the same read fails the
    /// same way until the setting changes), and the process stays up: ingest goes on into the log, and a start with the
    /// default buffer stores what was acknowledged meanwhile.
    /// </summary>
    [Fact]
    public async Task A_store_out_of_its_memory_limit_answers_503_naming_the_setting_and_loses_nothing_acknowledged()
    {
        using var data = new TempFolder();
        string projectId, secret;
        await using (var server = await ServerProcess.StartAsync(data.Path))
        {
            (projectId, secret) = server.DefaultProject();
            using var http = server.Client();
            http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
            for (var batch = 0; batch < 20; batch++)
            {
                var events = Enumerable.Range(0, 500).Select(i => new
                {
                    action = "product_view", userId = $"u{(batch * 500 + i) % 700}", target = new { product = $"sku-{i % 300}" },
                    time = DateTime.UtcNow.AddMinutes(-i),
                });
                (await http.PostAsJsonAsync("/v1/events", events)).EnsureSuccessStatusCode();
            }
            await server.WaitAppliedAsync(secret);
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(60)));
        }

        await using (var small = await ServerProcess.StartAsync(data.Path, ["--duckdb-memory", "1MB"]))
        {
            using var http = small.Client();
            http.DefaultRequestHeaders.Authorization = new("Bearer", secret);
            var read = await http.GetAsync(ReadPath);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.Null(read.Headers.RetryAfter);
            var error = (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
            Assert.StartsWith("DuckDB ran out of its memory limit (--duckdb-memory", error, StringComparison.Ordinal);

            using var ingest = small.Client();
            ingest.DefaultRequestHeaders.Add("X-Project-Id", projectId);
            var late = await ingest.PostAsJsonAsync("/v1/events", new { action = "signup", userId = "late", eventId = "late-1" });
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            // kill -9: a clean stop would spend its drain bound applying the log, which this buffer cannot.
            small.Kill();
        }

        await using var again = await ServerProcess.StartAsync(data.Path);
        await again.WaitAppliedAsync(secret);
        using var reader = again.Client();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        var activity = await reader.GetFromJsonAsync<JsonElement>("/v1/people/activity?userId=late");
        Assert.Equal("signup", Assert.Single(activity.GetProperty("events").EnumerateArray()).GetProperty("action").GetString());
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(ReadPath)).StatusCode);
    }

    private const string ReadPath = "/v1/recommendations/trending";
}
