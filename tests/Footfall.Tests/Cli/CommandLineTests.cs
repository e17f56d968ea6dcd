using System.Net.Http.Json;
using System.Text.Json;
using DuckDB.NET.Data;
using Footfall.Tests.Support;

namespace Footfall.Tests.Cli;

/// <summary>The <c>footfall</c> command as an operator runs it: a real process on a real data folder.</summary>
public sealed class CommandLineTests
{
    private static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => FootfallCli.RunAsync(args);

    private static Task<(int ExitCode, string Output)> RunWithInputAsync(string? input, params string[] args) => FootfallCli.RunWithInputAsync(input, args);

    // `footfall projects create` on the folder; returns the project's id.
    private static async Task<string> CreateProjectAsync(string data, string name)
    {
        var (created, output) = await RunAsync("projects", "create", "--name", name, "--data", data);
        Assert.True(created == 0, output);
        return JsonDocument.Parse(output.Trim()).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<long> CountStoredEventsAsync(string data)
    {
        await using var connection = new DuckDBConnection($"Data Source={Path.Combine(data, "footfall.duckdb")};ACCESS_MODE=READ_ONLY");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM events";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Import into a data folder whose log folder was removed: before, an unhandled exception when the key index was
    /// ahead of the new, empty log; with the keys removed too, events appended at positions the store had already taken.
    /// </summary>
    [Theory]
    [InlineData(false, "the idempotency key index has read the ingest log up to position")]
    [InlineData(true, "the store has read the ingest log up to position")]
    public async Task Regression_ImportIntoAFolderWhoseLogWasRemoved_RefusesWithExit2SayingSo(bool keysRemovedToo, string refusal)
    {
        using var data = new TempFolder();
        var projectId = await CreateProjectAsync(data.Path, "history");
        var file = Path.Combine(data.Path, "history.ndjson");
        await File.WriteAllLinesAsync(file, ["""{"id":"h1","action":"product_view","userId":"ann","target":{"product":"sku-1"},"time":"2026-01-02T10:00:00Z"}"""]);
        Assert.Equal(0, (await RunAsync("import", file, "--project", projectId, "--data", data.Path)).ExitCode);
        Directory.Delete(Path.Combine(data.Path, "log"), recursive: true);
        if (keysRemovedToo)
            Directory.Delete(Path.Combine(data.Path, "keys"), recursive: true);
        await File.WriteAllLinesAsync(file, ["""{"id":"h2","action":"product_view","userId":"bob","target":{"product":"sku-2"},"time":"2026-01-02T10:00:00Z"}"""]);

        var (exit, output) = await RunAsync("import", file, "--project", projectId, "--data", data.Path);

        Assert.Equal(2, exit);
        Assert.Contains(refusal, output, StringComparison.Ordinal);
        Assert.Contains("the log folder was removed or replaced by an older copy", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.Equal(1, await CountStoredEventsAsync(data.Path));
    }

    [Fact]
    public async Task Import_loads_a_file_through_validation_and_a_second_import_stores_nothing_twice()
    {
        using var data = new TempFolder();
        var (created, createdOutput) = await RunAsync("projects", "create", "--name", "history", "--data", data.Path);
        Assert.Equal(0, created);
        var keys = JsonDocument.Parse(createdOutput.Trim()).RootElement;
        var projectId = keys.GetProperty("id").GetString()!;
        var file = Path.Combine(data.Path, "history.ndjson");
        await File.WriteAllLinesAsync(file,
        [
            """{"id":"h1","action":"product_view","userId":"ann","target":{"product":"sku-1"},"time":"2026-01-02T10:00:00Z"}""",
            """{"id":"h2","action":"product_purchase","userId":"ann","target":{"product":"sku-1"},"time":"2026-01-02T10:05:00Z"}""",
            """{"id":"h3","action":"product_view","userId":"ann"}""",
            """not json""",
            "",
        ]);

        var (first, firstOutput) = await RunAsync("import", file, "--project", projectId, "--data", data.Path);
        Assert.Equal(1, first); // some lines were rejected
        Assert.Contains("accepted 2, duplicates 0, rejected 2", firstOutput);
        Assert.Contains("line 3: product_view requires target.product", firstOutput);
        Assert.Contains("line 4: not valid JSON", firstOutput);
        // Regression: import exited with events still in its log (2.5% of a 10M file), queryable only after a server
        // applied them. The store itself holds them when import returns, before any server starts.
        Assert.Contains("stored: every accepted event can be queried", firstOutput);
        Assert.Equal(2L, await CountStoredEventsAsync(data.Path));

        var (_, secondOutput) = await RunAsync("import", file, "--project", projectId, "--data", data.Path);
        Assert.Contains("accepted 0, duplicates 2, rejected 2", secondOutput);

        await using var server = await ServerProcess.StartAsync(data.Path);
        using var http = server.Client();
        http.DefaultRequestHeaders.Authorization = new("Bearer", keys.GetProperty("secretKey").GetString());
        var activity = await http.GetFromJsonAsync<JsonElement>("/v1/people/activity?userId=ann");
        Assert.Equal(["product_purchase", "product_view"], activity.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        var rejected = await http.GetFromJsonAsync<JsonElement>("/v1/rejected");
        Assert.Equal(4, rejected.GetProperty("rejected").GetArrayLength());
        Assert.All(rejected.GetProperty("rejected").EnumerateArray(), r => Assert.Equal("import", r.GetProperty("source").GetString()));

        // While the server holds the file, a writing command refuses clearly and names the way through the server.
        var (locked, lockedOutput) = await RunAsync("import", file, "--project", projectId, "--data", data.Path);
        Assert.Equal(2, locked);
        Assert.Contains("--server", lockedOutput);
        var (viaServer, viaServerOutput) = await RunAsync("import", file, "--project", projectId, "--server", server.Url);
        Assert.Equal(1, viaServer);
        Assert.Contains("accepted 0, duplicates 2, rejected 2", viaServerOutput);
        Assert.Contains("line 4: not valid JSON", viaServerOutput);
        // Regression: through the server, a line that was not JSON was reported but not kept aside (only offline was it).
        var keptViaServer = (await http.GetFromJsonAsync<JsonElement>("/v1/rejected")).GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal(6, keptViaServer.Count);
        Assert.Equal(3, keptViaServer.Count(r => r.GetProperty("raw").GetString() == "not json"));
    }

    /// <summary>
    /// Import sent 1,000 lines a batch whatever their size: 1,000 events of 5 KB made one log entry past the log's 4 MiB
    /// bound (an unhandled ArgumentException, exit 134, offline) or a body the server refuses (413, with --server). A
    /// batch now holds what one request may carry (1 MiB); a line larger than a request body is rejected, the lines
    /// beside it stored.
    /// </summary>
    [Fact]
    public async Task Regression_ImportOfLargeEventsCrashedOnTheLogsEntryBound_BatchesByBytesAndRejectsALineOverABody()
    {
        using var data = new TempFolder();
        var projectId = await CreateProjectAsync(data.Path, "large");
        var file = Path.Combine(data.Path, "large.ndjson");
        var page = new string('x', 5_000);
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, 1_000)
            .Select(i => $$$"""{"id":"l{{{i}}}","action":"page_view","guestId":"g{{{i}}}","target":{"page":"/{{{page}}}"}}""")
            .Append($$$"""{"id":"huge","action":"page_view","guestId":"g","target":{"page":"/{{{new string('y', 1_100_000)}}}"}}""")
            .Append("""{"id":"after","action":"page_view","guestId":"g","target":{"page":"/after"}}"""));

        var (exit, output) = await RunAsync("import", file, "--project", projectId, "--data", data.Path);

        Assert.Equal(1, exit);
        Assert.Contains("accepted 1001, duplicates 0, rejected 1", output, StringComparison.Ordinal);
        Assert.Contains("line 1001: the line takes 1,100,", output, StringComparison.Ordinal);
        Assert.Equal(1_001L, await CountStoredEventsAsync(data.Path));

        await using var server = await ServerProcess.StartAsync(data.Path);
        var (viaServer, viaServerOutput) = await RunAsync("import", file, "--project", projectId, "--server", server.Url);
        Assert.Equal(1, viaServer);
        Assert.Contains("accepted 0, duplicates 1001, rejected 1", viaServerOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// Bug: an offline import read its lines without the text rule that every server entry point applies first, so a
    /// lone surrogate (an escape JSON allows and .NET cannot read as a string) crashed it with an unhandled exception
    /// (exit 134) at the first such line. It now reads lines as a server reads a body of one event per line.
    /// </summary>
    [Fact]
    public async Task Regression_OfflineImportCrashedOnALoneSurrogate_TheLineIsRejectedAlone()
    {
        using var data = new TempFolder();
        var projectId = await CreateProjectAsync(data.Path, "surrogates");
        var file = Path.Combine(data.Path, "hostile.ndjson");
        await File.WriteAllLinesAsync(file,
        [
            """{"action":"signup","userId":"fine"}""",
            """{"action":"signup","userId":"bad\ud800x"}""",
            """{"action":"signup","userId":"n\u0000ul"}""",
        ]);

        var (exit, output) = await RunAsync("import", file, "--project", projectId, "--data", data.Path);
        Assert.Equal(1, exit);
        Assert.Contains("accepted 1, duplicates 0, rejected 2", output);
        Assert.Contains("line 2: userId", output);
        Assert.Contains("line 3: userId", output);
        Assert.Equal(1L, await CountStoredEventsAsync(data.Path));
    }

    [Fact]
    public async Task Import_reads_standard_input_when_the_file_is_a_dash()
    {
        using var data = new TempFolder();
        var projectId = await CreateProjectAsync(data.Path, "piped");
        var input = string.Join('\n', Enumerable.Range(0, 1200).Select(i =>
            $$"""{"id":"p{{i}}","action":"product_view","guestId":"g{{i % 40}}","target":{"product":"sku-{{i % 9}}"},"time":"2026-01-02T10:00:00Z"}"""))
            + "\nnot json\n";

        var (exit, output) = await RunWithInputAsync(input, "import", "-", "--project", projectId, "--data", data.Path);
        Assert.Equal(1, exit); // the last line is not JSON
        Assert.Contains("imported standard input: accepted 1200, duplicates 0, rejected 1", output);
        Assert.Contains("line 1201: not valid JSON", output);
        Assert.Equal(1200L, await CountStoredEventsAsync(data.Path));
    }

    /// <summary>
    /// Bug: a 100M-event import under DuckDB's 512MB default (then) kept reading the file while every apply failed with
    /// "Out of Memory" (69 attempts, the log grew to 3.6 GB) and said so only at its end; and import had no way to give
    /// the store more memory (--duckdb-memory was ignored). It now stops once the store refuses the same batch ten
    /// times, names the error, and keeps what it accepted in the log, stored by the next run that can take it.
    /// </summary>
    [Fact]
    public async Task Regression_ImportKeptAppendingWhileTheStoreRefusedEveryBatch_ItStopsNamingTheErrorAndKeepsWhatItAccepted()
    {
        using var data = new TempFolder();
        var projectId = await CreateProjectAsync(data.Path, "big");
        var file = Path.Combine(data.Path, "big.ndjson");
        const int lines = 60_000;
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, lines).Select(i =>
            $$"""{"id":"b{{i}}","action":"product_view","guestId":"g{{i % 5000}}","target":{"product":"sku-{{i % 700}}"},"time":"2026-01-02T10:00:00Z"}"""));

        // A 1MB buffer cannot hold one apply's blocks: DuckDB refuses every batch, out of memory.
        var (refused, refusedOutput) = await RunAsync("import", file, "--project", projectId, "--data", data.Path, "--duckdb-memory", "1MB");
        Assert.Equal(2, refused);
        Assert.Contains("the store refuses the imported events (10 attempts failed, the last: ", refusedOutput);
        Assert.Contains("could not allocate block", refusedOutput);
        var stoppedAfter = int.Parse(System.Text.RegularExpressions.Regex.Match(refusedOutput, "stopped after line ([0-9]+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(stoppedAfter, 1, lines - 1);

        // The default buffer takes everything: what the first run accepted is in the log already, so it is a duplicate.
        var (stored, storedOutput) = await RunAsync("import", file, "--project", projectId, "--data", data.Path);
        Assert.Equal(0, stored);
        var counts = System.Text.RegularExpressions.Regex.Match(storedOutput, "accepted ([0-9]+), duplicates ([0-9]+), rejected 0");
        Assert.True(counts.Success, storedOutput);
        Assert.Equal(stoppedAfter, long.Parse(counts.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(lines, await CountStoredEventsAsync(data.Path));
    }

    [Fact]
    public async Task Regression_PortInUseCrashedWithSigabrt_RefusesInOneLineWithExitCode2()
    {
        using var data = new TempFolder();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndpoint).Port}";

        var (code, output) = await RunAsync("serve", "--urls", url, "--data", data.Path);

        Assert.Equal(2, code);
        Assert.Contains($"footfall: Failed to bind to address {url}: address already in use.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_option_is_refused_at_start_with_a_message_naming_it()
    {
        using var data = new TempFolder();
        var (code, output) = await RunAsync("serve", "--urls", "http://127.0.0.1:0", "--data", data.Path, "--store", "mysql");
        Assert.NotEqual(0, code);
        Assert.Contains("--store must be 'duckdb' or 'clickhouse', not 'mysql'", output);
        var (memoryCode, memoryOutput) = await RunAsync("serve", "--urls", "http://127.0.0.1:0", "--data", data.Path, "--duckdb-memory", "lots");
        Assert.NotEqual(0, memoryCode);
        Assert.Contains("--duckdb-memory must look like 512MB or 2GB, not 'lots'", memoryOutput);
        var (importCode, importOutput) = await RunAsync("import", "x.ndjson", "--project", "p", "--data", data.Path, "--duckdb-memory", "lots");
        Assert.Equal(2, importCode);
        Assert.Contains("--duckdb-memory must look like 512MB or 2GB, not 'lots'", importOutput);
        // Regression: these crashed with an unhandled exception (exit 134): a --urls that is not a URL, an import --server
        // that is not one or that nobody answers.
        var (urlsCode, urlsOutput) = await RunAsync("serve", "--urls", "garbage", "--data", data.Path);
        Assert.Equal((2, "footfall: Invalid url: 'garbage'"), (urlsCode, urlsOutput.Split('\n').Last(l => l.Length > 0).Trim()));
        await File.WriteAllTextAsync(Path.Combine(data.Path, "one.ndjson"), """{"action":"page_view","guestId":"g","target":{"page":"/"}}""");
        var (serverCode, serverOutput) = await RunAsync("import", Path.Combine(data.Path, "one.ndjson"), "--project", "p", "--server", "not-a-url");
        Assert.Equal((2, "footfall: --server must be a URL like http://HOST:PORT, not 'not-a-url'"), (serverCode, serverOutput.Trim()));
        using var nobody = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        nobody.Start();
        var closed = $"http://127.0.0.1:{((System.Net.IPEndPoint)nobody.LocalEndpoint).Port}";
        nobody.Stop();
        var (awayCode, awayOutput) = await RunAsync("import", Path.Combine(data.Path, "one.ndjson"), "--project", "p", "--server", closed);
        Assert.Equal(2, awayCode);
        Assert.StartsWith($"footfall: cannot reach the server at {closed} (", awayOutput.Trim(), StringComparison.Ordinal);
        Assert.Contains("stopped before line 1", awayOutput, StringComparison.Ordinal);
        // Regression: a --data that is a file crashed import and projects create (an unhandled IOException, exit 134).
        var file = Path.Combine(data.Path, "a-file");
        await File.WriteAllTextAsync(file, "x");
        await File.WriteAllTextAsync(Path.Combine(data.Path, "x.ndjson"), "{}");
        foreach (var args in new[] { new[] { "import", Path.Combine(data.Path, "x.ndjson"), "--project", "p", "--data", file }, ["projects", "create", "--name", "n", "--data", file] })
        {
            var (fileCode, fileOutput) = await RunAsync(args);
            Assert.Equal((2, $"footfall: --data {file} is a file; it must name a folder"), (fileCode, fileOutput.Trim()));
        }
    }
}
