using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Footfall.Events;
using Footfall.Ingest;

namespace Footfall.Server.Cli;

/// <summary>
/// <c>footfall import FILE.ndjson</c>: loads history, one native event per line, through the same validation
/// and deduplication as live ingest (so importing a file twice stores it once), with progress and a summary.
/// <c>-</c> reads standard input, so history can be piped in (<c>zcat history.ndjson.gz | footfall import -</c>)
/// without a second copy on disk.
/// </summary>
public static class ImportCommand
{
    /// <summary>Runs the import; exit code 0 when every line was accepted or a duplicate.</summary>
    public static async Task<int> RunAsync(CliArgs args)
    {
        if (args.Positional is not [var path])
            throw new CliException("import needs one FILE.ndjson, or - for standard input");
        var fromStdin = path == "-";
        var duckDbMemory = args.Get("duckdb-memory");
        if (duckDbMemory is not null && !Footfall.Storage.DuckDb.DuckDbEventStore.IsMemoryLimit(duckDbMemory))
            throw new CliException($"--duckdb-memory must look like 512MB or 2GB, not '{duckDbMemory}'");
        if (args.Get("server") is not null && duckDbMemory is not null)
            throw new CliException("--duckdb-memory sizes the data folder's store opened by import; with --server, the server's own setting applies");
        if (!fromStdin && !File.Exists(path))
            throw new CliException($"no file {path}");
        var projectId = args.Require("project");
        var totals = new ImportTotals();
        var progress = new ProgressBar(fromStdin ? null : new FileInfo(path).Length);
        await using var sink = args.Get("server") is { } server
            ? (IImportSink)new ServerSink(server, projectId)
            : await OfflineSink.OpenAsync(args.Get("data") ?? "data", projectId, duckDbMemory);
        using var reader = fromStdin ? new StreamReader(Console.OpenStandardInput(), Encoding.UTF8) : new StreamReader(path, Encoding.UTF8);
        // A batch is what one request may carry (CONTRACT §3): at most 1,000 events in 1 MiB. Import once sent 1,000 lines
        // whatever their size: 1,000 events of 5 KB made one log entry past the log's 4 MiB bound and crashed it.
        const int Brackets = 2; // the "[" and "]" around a request's events
        var batch = new List<(int Line, string Text)>(EventLimits.MaxBatchEvents);
        var batchBytes = Brackets;
        var lineNumber = 0;
        long bytes = 0;
        async Task SendBatchAsync()
        {
            await sink.SendAsync(batch, totals);
            batch.Clear();
            batchBytes = Brackets;
            progress.Report(bytes, totals);
        }

        while (await reader.ReadLineAsync() is { } line)
        {
            lineNumber++;
            var lineBytes = Encoding.UTF8.GetByteCount(line);
            bytes += lineBytes + 1;
            if (line.Trim().Length == 0) continue;
            if (lineBytes + Brackets > EventLimits.MaxBodyBytes)
            {
                // Not kept aside: it would not fit a request either (the server answers such a body 413).
                totals.Reject(lineNumber, $"the line takes {lineBytes:N0} bytes; an event takes at most {EventLimits.MaxBodyBytes - Brackets:N0}, as in a request body");
                continue;
            }
            if (batchBytes + lineBytes + 1 > EventLimits.MaxBodyBytes)
                await SendBatchAsync();
            batch.Add((lineNumber, line));
            batchBytes += lineBytes + 1;
            if (batch.Count == EventLimits.MaxBatchEvents)
                await SendBatchAsync();
        }
        if (batch.Count > 0)
            await sink.SendAsync(batch, totals);
        progress.Report(bytes, totals, final: true);
        progress.Done();
        if (!await sink.FinishAsync())
        {
            Console.Error.WriteLine("the store failed before it took every imported event; they are kept in the data folder's log and stored at the next start");
            return 1;
        }
        Console.WriteLine($"imported {(fromStdin ? "standard input" : path)}: accepted {totals.Accepted}, duplicates {totals.Duplicates}, rejected {totals.Rejected}");
        foreach (var example in totals.Examples)
            Console.WriteLine($"  {example}");
        return totals.Rejected == 0 ? 0 : 1;
    }

    /// <summary>Running counts and the first few rejection reasons.</summary>
    public sealed class ImportTotals
    {
        /// <summary>Stored.</summary>
        public long Accepted { get; set; }
        /// <summary>Already stored before.</summary>
        public long Duplicates { get; set; }
        /// <summary>Refused.</summary>
        public long Rejected { get; set; }
        /// <summary>Up to ten "line N: reason".</summary>
        public List<string> Examples { get; } = [];

        /// <summary>Counts a rejected line.</summary>
        public void Reject(int line, string error)
        {
            Rejected++;
            if (Examples.Count < 10) Examples.Add($"line {line}: {error}");
        }
    }

    private interface IImportSink : IAsyncDisposable
    {
        Task SendAsync(List<(int Line, string Text)> batch, ImportTotals totals);

        /// <summary>Waits until what was sent can be queried; false when that cannot happen now.</summary>
        Task<bool> FinishAsync();
    }

    private sealed class OfflineSink(OfflineEngine engine, string projectId) : IImportSink
    {
        public static async Task<OfflineSink> OpenAsync(string data, string projectId, string? duckDbMemory)
        {
            var engine = await OfflineEngine.OpenAsync(data, duckDbMemory);
            if (await engine.Projects.FindAsync(projectId) is null)
            {
                await engine.DisposeAsync();
                throw new CliException($"no project '{projectId}' in {data}");
            }
            return new OfflineSink(engine, projectId);
        }

        public async Task SendAsync(List<(int Line, string Text)> batch, ImportTotals totals)
        {
            // Read as a server reads a body of one event per line (a string that breaks the text rule is refused alone).
            using var lines = new NativeEventLines(EventTime.Now(TimeProvider.System), EventSources.Import);
            var candidates = batch.Select(b => lines.Read(Encoding.UTF8.GetBytes(b.Text))).ToList();
            var result = await engine.Pipeline.IngestAsync(projectId, EventSources.Import, candidates);
            totals.Accepted += result.Accepted;
            totals.Duplicates += result.Duplicates;
            foreach (var r in result.Rejected)
                totals.Reject(batch[r.Index].Line, r.Error);
            // While the store refuses a batch the import reads no further (the log would only grow), and it stops once
            // the store keeps refusing (a 100M-event import under a 512MB DuckDB buffer kept appending for minutes, 3.6 GB
            // of log, while every apply failed). A poll: this is the command's own pace, not a test's synchronisation.
            while (engine.Applier.FailedAttempts > 0)
            {
                if (engine.Applier.IsRefusing)
                    throw new CliException($"the store refuses the imported events ({engine.Applier.Problem}); stopped after line {batch[^1].Line}. " +
                        "The events accepted so far are kept in the data folder's log and stored at the next start that can take them; " +
                        "for DuckDB's Out of Memory, give it more with --duckdb-memory (here, and to serve)");
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }

        public async Task<bool> FinishAsync()
        {
            var applied = await engine.WaitAppliedAsync(left => Console.Error.WriteLine($"storing: {left / (1024 * 1024.0):F1} MiB of the log left"));
            if (applied)
                Console.Error.WriteLine("stored: every accepted event can be queried");
            return applied;
        }

        public ValueTask DisposeAsync() => engine.DisposeAsync();
    }

    private sealed class ServerSink(string server, string projectId) : IImportSink
    {
        private readonly HttpClient _http = new()
        {
            BaseAddress = Uri.TryCreate(server, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                ? url : throw new CliException($"--server must be a URL like http://HOST:PORT, not '{server}'"),
        };

        public async Task SendAsync(List<(int Line, string Text)> batch, ImportTotals totals)
        {
            // One event per line, as the file has them: the server rejects a line that is not JSON alone and keeps it
            // aside, as an import into the data folder does (a JSON array of the lines would be refused whole).
            var body = string.Join("\n", batch.Select(b => b.Text));
            for (var attempt = 0; ; attempt++)
            {
                HttpResponseMessage response;
                try
                {
                    response = await _http.PostAsync($"/v1/events?project={Uri.EscapeDataString(projectId)}",
                        new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
                }
                catch (HttpRequestException ex)
                {
                    throw new CliException($"cannot reach the server at {server} ({ex.Message}); stopped before line {batch[0].Line}, the lines before it were sent");
                }
                using var _ = response;
                if ((int)response.StatusCode == 503 && attempt < 10)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * (attempt + 1)));
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw new CliException($"the server answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                var result = (await response.Content.ReadFromJsonAsync<IngestResult>(Storage.StoreJson.Options))!;
                totals.Accepted += result.Accepted;
                totals.Duplicates += result.Duplicates;
                foreach (var r in result.Rejected)
                    totals.Reject(batch[r.Index].Line, r.Error);
                return;
            }
        }

        // The server stores behind its own log, and its reads wait for what a caller must see (read-your-writes).
        public Task<bool> FinishAsync() => Task.FromResult(true);

        public ValueTask DisposeAsync()
        {
            _http.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
