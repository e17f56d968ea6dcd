using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Faults;

/// <summary>The embedded store on a disk that fills up under a real server process (a small tmpfs).</summary>
public sealed class DuckDbFullDiskTests
{
    [Fact]
    public async Task Regression_CheckpointFailsOnAFullDisk_NothingAcknowledgedIsLostAndTheProcessExitsNonZero()
    {
        using var disk = new SmallDisk(24);
        await using var server = await ServerProcess.StartAsync(disk.Path);
        var (projectId, secret) = server.DefaultProject();
        var acknowledged = new List<int>();
        var refused = new List<int>();
        using (var http = server.Client())
        {
            http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
            // One user per batch, so that afterwards each batch is one activity read.
            for (var batch = 0; batch < 1000 && !server.HasExited; batch++)
            {
                HttpResponseMessage response;
                try
                {
                    response = await http.PostAsJsonAsync("/v1/events", Batch(batch));
                }
                catch (HttpRequestException)
                {
                    break; // the process stopped between two batches
                }
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged.Add(batch);
                    continue;
                }
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
                var error = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.False(string.IsNullOrEmpty(error.GetProperty("error").GetString()));
                refused.Add(batch);
            }
        }
        Assert.NotEmpty(acknowledged);
        if (server.HasExited)
        {
            // A checkpoint failed and invalidated the database: the process stopped by itself, non-zero, for a
            // supervisor to restart it.
            var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(exitCode == 3, $"exit code {exitCode}:\n{server.Output[Math.Max(0, server.Output.Length - 8000)..]}");
            // The stop's own line names the cause (it said only "the DuckDB database was invalidated").
            var stop = server.Output.Split('\n').First(l => l.Contains("Stopping with exit code 3", StringComparison.Ordinal));
            Assert.Contains("No space left on device", stop, StringComparison.Ordinal);
        }
        else
        {
            // Log-first ingest: the log filled the disk first, so ingest answered 503 while the store's WAL write
            // failed; acknowledged events wait in the log. The process stays up (room may come back); stop it hard.
            Assert.NotEmpty(refused);
            server.Kill();
        }
        Assert.DoesNotContain("Unhandled exception", server.Output);

        // Restarted with room (the files copied off the full disk): the WAL gives back every acknowledged batch.
        // A refused batch is all there or not at all (its retry is then a duplicate or stored).
        using var roomy = new TempFolder();
        SmallDisk.CopyFiles(disk.Path, roomy.Path);
        File.Delete(Path.Combine(roomy.Path, "footfall.lock"));
        await using var restarted = await ServerProcess.StartAsync(roomy.Path);
        using var reader = restarted.Client();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        var wrong = new List<string>();
        foreach (var batch in acknowledged.Concat(refused))
        {
            var activity = await reader.GetFromJsonAsync<JsonElement>($"/v1/people/activity?userId=user-{batch}&limit=1000");
            var stored = activity.GetProperty("events").GetArrayLength();
            if (acknowledged.Contains(batch) ? stored != 500 : stored is not (0 or 500))
                wrong.Add($"batch {batch} ({(acknowledged.Contains(batch) ? "acknowledged" : "refused")}): {stored} stored");
        }
        Assert.True(wrong.Count == 0, $"{acknowledged.Count} acknowledged, {refused.Count} refused; wrong: {string.Join("; ", wrong)}");
    }

    private static object[] Batch(int batch) => Enumerable.Range(0, 500).Select(i => (object)new
    {
        id = $"b{batch}-e{i}", action = "product_view", userId = $"user-{batch}", target = new { product = $"sku-{i}" },
        label = new string('x', 200), @params = new { note = Guid.NewGuid().ToString() + Guid.NewGuid() },
    }).ToArray();
}
