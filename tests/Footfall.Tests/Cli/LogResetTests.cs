using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Cli;

/// <summary>
/// <c>footfall log reset</c> on a real data folder between real server processes: the way out for a data folder whose
/// start refuses because its ingest log was lost or damaged and no intact copy exists (before, there was none).
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class LogResetTests(ClickHouseServer clickHouse)
{
    [Theory]
    [InlineData("duckdb")]
    [InlineData("clickhouse")]
    public async Task A_removed_log_is_reset_and_the_server_starts_with_every_event_and_key_it_had(string store)
    {
        using var data = new TempFolder();
        string[] storeArgs = store == "duckdb" ? []
            : ["--store", "clickhouse", "--clickhouse", clickHouse.ConnectionString("t_" + Guid.NewGuid().ToString("N")[..12])];
        string projectId, secret;
        await using (var server = await ServerProcess.StartAsync(data.Path, storeArgs))
        {
            (projectId, secret) = server.DefaultProject();
            Assert.Equal(1, (await PostAsync(server, projectId, "kept-1", "u1")).GetProperty("accepted").GetInt32());
            await server.WaitAppliedAsync(secret);
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(60)));
        }
        Directory.Delete(Path.Combine(data.Path, "log"), recursive: true);
        var (refused, stderr, stdout) = await ServerProcess.RunToExitAsync(data.Path, storeArgs);
        Assert.Equal(2, refused);
        Assert.Contains("footfall log reset --data DIR", stderr + stdout, StringComparison.Ordinal);

        var (exitCode, output) = await FootfallCli.RunAsync(["log", "reset", "--data", data.Path, .. storeArgs]);

        Assert.True(exitCode == 0, output);
        Assert.Contains("the log now starts empty at position", output, StringComparison.Ordinal);
        Assert.DoesNotContain("dropped", output, StringComparison.Ordinal);
        Assert.DoesNotContain("deleted the idempotency key index", output, StringComparison.Ordinal);
        await using var again = await ServerProcess.StartAsync(data.Path, storeArgs);
        // The key index was kept: a retry of the stored event is still a duplicate; a new event is stored.
        Assert.Equal(1, (await PostAsync(again, projectId, "kept-1", "u1")).GetProperty("duplicates").GetInt32());
        Assert.Equal(1, (await PostAsync(again, projectId, "new-1", "u1")).GetProperty("accepted").GetInt32());
        await again.WaitAppliedAsync(secret);
        Assert.Equal(["new-1", "kept-1"], await ActivityAsync(again, secret, "u1"));
    }

    /// <summary>
    /// A closed segment damaged past what the store applied: the start refuses, and so does a reset, until it is told to
    /// drop the unapplied entries. Their keys were ahead of the store in the key index, which the reset deletes: the
    /// next start builds it from the store, so a retry of an event stored before is still a duplicate and a client's
    /// retry of a dropped one is stored.
    /// </summary>
    [Fact]
    public async Task Unapplied_entries_of_a_damaged_log_are_dropped_only_when_asked_and_a_retry_of_one_is_stored()
    {
        using var data = new TempFolder();
        string projectId, secret;
        await using (var server = await ServerProcess.StartAsync(data.Path))
        {
            (projectId, secret) = server.DefaultProject();
            Assert.Equal(1, (await PostAsync(server, projectId, "early-1", "early")).GetProperty("accepted").GetInt32());
            await server.WaitAppliedAsync(secret);
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(60)));
        }
        var logFolder = await UnappliedLog.WriteDamagedAsync(data.Path, projectId);
        var (stopped, _, stopping) = await ServerProcess.RunToExitAsync(data.Path);
        Assert.Equal(2, stopped);
        Assert.Contains("footfall log reset --data DIR", stopping, StringComparison.Ordinal);
        var segments = Directory.GetFiles(logFolder).ToDictionary(f => f, f => new FileInfo(f).Length);

        var (refused, refusal) = await FootfallCli.RunAsync("log", "reset", "--data", data.Path);

        Assert.True(refused == 2, refusal);
        Assert.Contains("bytes of acknowledged entries the store has not applied", refusal, StringComparison.Ordinal);
        Assert.Contains("--drop-unapplied", refusal, StringComparison.Ordinal);
        Assert.Equal(segments, Directory.GetFiles(logFolder).ToDictionary(f => f, f => new FileInfo(f).Length));

        var (exitCode, output) = await FootfallCli.RunAsync("log", "reset", "--data", data.Path, "--drop-unapplied");

        Assert.True(exitCode == 0, output);
        Assert.Contains("bytes of acknowledged entries the store had not applied: their events are not stored", output, StringComparison.Ordinal);
        Assert.Contains("deleted the idempotency key index", output, StringComparison.Ordinal);
        await using var again = await ServerProcess.StartAsync(data.Path);
        Assert.Equal(1, (await PostAsync(again, projectId, "early-1", "early")).GetProperty("duplicates").GetInt32());
        Assert.Equal(1, (await PostAsync(again, projectId, "k5", "late")).GetProperty("accepted").GetInt32());
        await again.WaitAppliedAsync(secret);
        Assert.Equal(["k5"], await ActivityAsync(again, secret, "late"));
        Assert.Equal(["early-1"], await ActivityAsync(again, secret, "early"));
    }

    [Fact]
    public async Task A_store_that_cannot_be_opened_leaves_the_log_as_it_is_with_exit_code_3()
    {
        using var data = new TempFolder();
        var logFolder = Path.Combine(data.Path, "log");
        Directory.CreateDirectory(logFolder);
        var segment = Path.Combine(logFolder, "00000000000000000000.seg");
        await File.WriteAllBytesAsync(segment, new byte[100]);
        await File.WriteAllBytesAsync(Path.Combine(data.Path, "footfall.duckdb"), new byte[64 * 1024]);

        var (exitCode, output) = await FootfallCli.RunAsync("log", "reset", "--data", data.Path, "--drop-unapplied");

        Assert.True(exitCode == 3, output);
        Assert.Contains("footfall: the store could not be opened, so the log was left as it is: ", output, StringComparison.Ordinal);
        Assert.Contains("not a valid DuckDB database file", output, StringComparison.Ordinal);
        Assert.Equal([segment], Directory.GetFiles(logFolder));
        Assert.Equal(100, new FileInfo(segment).Length);
    }

    [Fact]
    public async Task A_reset_refuses_while_a_server_holds_the_data_folder()
    {
        using var data = new TempFolder();
        await using var server = await ServerProcess.StartAsync(data.Path);

        var (exitCode, output) = await FootfallCli.RunAsync("log", "reset", "--data", data.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains("footfall: ", output, StringComparison.Ordinal);
        using var http = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    private static async Task<JsonElement> PostAsync(ServerProcess server, string projectId, string eventId, string userId)
    {
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        var response = await http.PostAsJsonAsync("/v1/events", new { id = eventId, action = "signup", userId, target = new { page = eventId } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    // The ids (target.page) of the user's events, newest first.
    private static async Task<string[]> ActivityAsync(ServerProcess server, string secret, string userId)
    {
        using var http = server.Client();
        http.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        var activity = await http.GetFromJsonAsync<JsonElement>($"/v1/people/activity?userId={userId}");
        return [.. activity.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("target").GetProperty("page").GetString()!)];
    }
}
