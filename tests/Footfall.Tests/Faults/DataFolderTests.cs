using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Faults;

public sealed class DataFolderTests
{
    [Fact]
    public async Task Regression_SecondServerOnTheSameDataFolder_CrashedWithSigabrt_RefusesWithOneLineAndExitCode2()
    {
        using var data = new TempFolder();
        await using var first = await ServerProcess.StartAsync(data.Path);

        var (exitCode, stderr, _) = await ServerProcess.RunToExitAsync(data.Path);

        Assert.Equal(2, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("in use by another Footfall server", lines[0]);
        // The first server is untouched.
        using var http = first.Client();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    /// <summary>
    /// A data folder whose log folder was removed after a clean stop. Before, the key index's catch-up read a position
    /// the new, empty log lacks: an unhandled ArgumentOutOfRangeException, a stack trace and exit code 134, after a
    /// warning that the store's shutdown checkpoint had failed (the store was never opened). With the keys folder removed
    /// too, the server started and its applier waited beyond the log's end, where new entries would have been read from
    /// the middle of one.
    /// </summary>
    [Theory]
    [InlineData(false, "the idempotency key index has read the ingest log up to position")]
    [InlineData(true, "the store has read the ingest log up to position")]
    public async Task Regression_RemovedLogFolderCrashedTheStartWithExit134_RefusesWithExit2SayingTheLogWasRemoved(bool keysRemovedToo, string refusal)
    {
        using var data = new TempFolder();
        await RunAndStopAsync(data.Path, """[{"action":"page_view","guestId":"g1","target":{"page":"/"}}]""");
        Directory.Delete(Path.Combine(data.Path, "log"), recursive: true);
        if (keysRemovedToo)
            Directory.Delete(Path.Combine(data.Path, "keys"), recursive: true);

        var (exitCode, stderr, stdout) = await ServerProcess.RunToExitAsync(data.Path);

        Assert.Equal(2, exitCode);
        var output = stderr + stdout;
        Assert.Contains(refusal, output, StringComparison.Ordinal);
        Assert.Contains("the log folder was removed or replaced by an older copy", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("shutdown failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("did not take every acknowledged entry", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Regression_DataPathThatIsAFileCrashedWithSigabrt_RefusesWithOneLineAndExitCode2()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");

        var (exitCode, stderr, _) = await ServerProcess.RunToExitAsync(file);

        Assert.Equal(2, exitCode);
        Assert.Equal($"footfall: --data {file} is a file; it must name a folder", stderr.Trim());
    }

    /// <summary>
    /// A store file that is not a DuckDB database: the start said only "the store is unavailable: the store is
    /// unavailable; retry shortly" (DuckDB's reason was in the log's stack trace alone) and warned that acknowledged
    /// entries were kept "from position -1".
    /// </summary>
    [Fact]
    public async Task Regression_CorruptStoreFileSaidOnlyRetryShortly_NamesDuckDbsReasonAndExits3()
    {
        using var data = new TempFolder();
        await File.WriteAllBytesAsync(Path.Combine(data.Path, "footfall.duckdb"), new byte[64 * 1024]);

        var (exitCode, stderr, stdout) = await ServerProcess.RunToExitAsync(data.Path);

        Assert.Equal(3, exitCode);
        Assert.Contains("footfall: the store could not be opened: ", stderr, StringComparison.Ordinal);
        Assert.Contains("not a valid DuckDB database file", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("position -1", stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// A damaged RocksDB index (the idempotency keys, or DuckDB's identity index): before, every start failed (an
    /// unhandled RocksDbException and exit code 134 for the keys; exit 3 for the identities). Both hold only what the
    /// store and the log hold: the start deletes the damaged one and rebuilds it, and the keys and persons are all there.
    /// </summary>
    [Theory]
    [InlineData("keys")]
    [InlineData("footfall.duckdb.identities")]
    public async Task Regression_DamagedIndexRefusedEveryStart_IsRebuiltFromTheStore(string index)
    {
        using var data = new TempFolder();
        const string Events = """
            [{"id":"e1","action":"product_view","guestId":"g1","target":{"product":"sku-1"}},
             {"id":"e2","action":"signup","guestId":"g1","userId":"u1"}]
            """;
        var (projectId, secret) = await RunAndStopAsync(data.Path, Events);
        await File.WriteAllTextAsync(Path.Combine(data.Path, index, "CURRENT"), "damaged\n");

        await using var restarted = await ServerProcess.StartAsync(data.Path);

        Assert.Contains($"{index} was damaged", restarted.Output, StringComparison.Ordinal);
        var again = await PostEventsAsync(restarted, projectId, Events);
        Assert.Equal((0, 2), (again.GetProperty("accepted").GetInt32(), again.GetProperty("duplicates").GetInt32()));
        using var reader = restarted.Client();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        var activity = await reader.GetFromJsonAsync<JsonElement>("/v1/people/activity?userId=u1");
        Assert.Equal(2, activity.GetProperty("events").GetArrayLength());
    }

    /// <summary>
    /// A closed log segment damaged on disk past what the store has applied. Before, the applier logged "stopped" and
    /// the server went on acknowledging events it would never store, with /healthz ok and every read waiting its bound.
    /// Now the process stops with exit code 2 naming the log and the position; the key index is made to hold the
    /// entries' keys here, so that the applier, not the index's catch-up at start, is the one that meets the damage.
    /// </summary>
    [Fact]
    public async Task Regression_DamagedLogSegmentLeftIngestAcknowledgingWithHealthzOk_StopsTheServerWithExit2()
    {
        using var data = new TempFolder();
        var (projectId, _) = await RunAndStopAsync(data.Path);
        var logFolder = await UnappliedLog.WriteDamagedAsync(data.Path, projectId);

        var (exitCode, _, stdout) = await ServerProcess.RunToExitAsync(data.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"Stopping with exit code 2: The log in {logFolder} is damaged at position", stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// A start on a full disk (after a run that filled it) crashed with SIGABRT: RocksDB's "No space left on device"
    /// opening the key index was unhandled. Now one line and exit code 3, the code a supervisor restarts on.
    /// </summary>
    [Fact]
    public async Task Regression_StartOnAFullDiskCrashedWithSigabrt_SaysSoInOneLineWithExit3()
    {
        using var disk = new SmallDisk(1);
        var data = Path.Combine(disk.Path, "data");
        Directory.CreateDirectory(data);
        // Fill the disk: the last write fails once it is full.
        await using (var filler = new FileStream(Path.Combine(disk.Path, "filler"), FileMode.Create))
        {
            var block = new byte[4096];
            try
            {
                while (true)
                    await filler.WriteAsync(block);
            }
            catch (IOException)
            {
            }
        }

        var (exitCode, stderr, _) = await ServerProcess.RunToExitAsync(data);

        Assert.Equal(3, exitCode);
        Assert.Contains("No space left on device", stderr, StringComparison.Ordinal);
        Assert.StartsWith("footfall: ", stderr.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
    }

    // A server run on the folder, storing the events given (a JSON array), then stopped cleanly (SIGTERM).
    private static async Task<(string ProjectId, string Secret)> RunAndStopAsync(string data, string? events = null)
    {
        var server = await ServerProcess.StartAsync(data);
        try
        {
            var (projectId, secret) = server.DefaultProject();
            if (events is not null)
                Assert.Equal(0, (await PostEventsAsync(server, projectId, events)).GetProperty("rejected").GetArrayLength());
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(60)));
            return (projectId, secret);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<JsonElement> PostEventsAsync(ServerProcess server, string projectId, string events)
    {
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        using var body = new StringContent(events, System.Text.Encoding.UTF8, "application/json");
        var response = (await http.PostAsync("/v1/events", body)).EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task The_data_folder_is_free_again_once_its_server_was_killed()
    {
        using var data = new TempFolder();
        var first = await ServerProcess.StartAsync(data.Path);
        first.Kill();
        await first.DisposeAsync();
        await using var second = await ServerProcess.StartAsync(data.Path);
        Assert.False(second.HasExited);
    }
}
