using System.Diagnostics;
using System.Net;
using System.Text;

// A closed-loop HTTP load generator for Footfall's ingest: C concurrent connections each send requests back to
// back for a fixed time, and every request's latency is recorded. Bounded in time and aimed at loopback only.
//
//   dotnet run -c Release --project bench/Footfall.LoadGen -- URL PROJECT_ID [--batch 50] [--seconds 20]
//       [--connections 32] [--path /v1/events] [--events N (stop after N events instead)]
//       [--rate R (events/s in all, paced; latency counts from each request's planned start)]
//       [--ids-from PREFIX --ids-range N (ids PREFIX0..PREFIX(N-1), e.g. DataGen's e1-: retries of stored events)]
//       [--get --bearer SECRET (GET PATH instead, e.g. results: a poller)]
//       [--body-bytes B (every event's params padded so that a body is about B bytes: a flood of large bodies)]
//       [--pid P (meanwhile sample the server's RSS every 100 ms; the peak is reported)]
// Besides rates and percentiles it prints max_gap_ms: the longest time no request was acknowledged.
var url = args.Length > 1 ? args[0].TrimEnd('/') : throw new ArgumentException("usage: URL PROJECT_ID [--batch N] [--seconds S] [--connections C] [--path P]");
var project = args[1];
int batch = Option("--batch", 50), seconds = Option("--seconds", 20), connections = Option("--connections", 32);
int bodyBytes = Option("--body-bytes", 0), serverPid = Option("--pid", 0);
var path = OptionText("--path", "/v1/events");
long eventLimit = Option("--events", 0);
var rate = Option("--rate", 0);
var idsFrom = OptionText("--ids-from", "");
long idsRange = Option("--ids-range", 0);
var get = args.Contains("--get");
var bearer = OptionText("--bearer", "");
long sent = 0;
// What an event's JSON holds besides the filler (ids, action, target, params' frame), so a padded body is about --body-bytes.
const int PaddedEventFrame = 160;
var filler = bodyBytes > 0 ? new string('x', Math.Max(0, (bodyBytes - 2) / batch - PaddedEventFrame)) : null;
if (!new Uri(url).IsLoopback)
    throw new ArgumentException("the load generator only targets loopback addresses");

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
{
    Timeout = TimeSpan.FromSeconds(30),
};
var run = Guid.NewGuid().ToString("N")[..8];
// A flood sends the same large body again and again, built before the clock starts: building a fresh megabyte each
// time would make the load generator, not the server, the bottleneck on a shared box.
var padded = filler is null ? null : Enumerable.Range(0, connections).Select(c =>
{
    var sequence = 0L;
    return Encoding.UTF8.GetBytes(Body(c, ref sequence, new Random(c)));
}).ToArray();
// Hundreds of connections each need a thread now and then; the pool's slow growth would time the client, not the server.
ThreadPool.SetMinThreads(connections + 8, connections + 8);
var latencies = new List<double>[connections];
var acknowledged = new List<long>[connections];
var refusals = new List<double>[connections];
var failures = new int[connections];
var stop = Stopwatch.StartNew();
var deadline = TimeSpan.FromSeconds(seconds);
// /healthz is timed by bench/healthz-probe.py, a process of its own: here it would time this busy client's thread pool.
var rss = serverPid > 0 ? WatchRssAsync() : Task.FromResult("");
await Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
{
    latencies[c] = new List<double>(100_000);
    acknowledged[c] = new List<long>(100_000);
    refusals[c] = new List<double>(100_000);
    var sequence = 0L;
    var random = new Random(c);
    // Paced: each connection plans its requests at a fixed interval, staggered, and a late request counts its wait.
    var interval = rate > 0 ? (long)(Stopwatch.Frequency * (double)connections * batch / rate) : 0;
    var planned = Stopwatch.GetTimestamp() + interval * c / connections;
    while (stop.Elapsed < deadline && (eventLimit == 0 || Interlocked.Add(ref sent, batch) <= eventLimit))
    {
        if (interval > 0)
        {
            var early = planned - Stopwatch.GetTimestamp();
            if (early > 0)
                await Task.Delay(TimeSpan.FromSeconds((double)early / Stopwatch.Frequency));
        }
        var started = interval > 0 ? planned : Stopwatch.GetTimestamp();
        planned += interval;
        using var request = get
            ? new HttpRequestMessage(HttpMethod.Get, $"{url}{path}")
            : new HttpRequestMessage(HttpMethod.Post, $"{url}{path}?project={project}")
            {
                Content = new ByteArrayContent(padded?[c] ?? Encoding.UTF8.GetBytes(Body(c, ref sequence, random)))
                {
                    Headers = { ContentType = new("application/json") { CharSet = "utf-8" } },
                },
            };
        if (bearer.Length > 0)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        try
        {
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            var now = Stopwatch.GetTimestamp();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                latencies[c].Add(Stopwatch.GetElapsedTime(started, now).TotalMilliseconds);
                acknowledged[c].Add(now);
            }
            else if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
                refusals[c].Add(Stopwatch.GetElapsedTime(started, now).TotalMilliseconds);
            else
                failures[c]++;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // A server answering before it reads the body may end the connection while the client still sends.
            failures[c]++;
        }
    }
})));
var elapsed = stop.Elapsed.TotalSeconds;
var all = latencies.SelectMany(l => l).Order().ToArray();
var acks = acknowledged.SelectMany(a => a).Order().ToArray();
var maxGap = acks.Zip(acks.Skip(1), (a, b) => b - a).DefaultIfEmpty().Max() * 1000.0 / Stopwatch.Frequency;
var refused = refusals.SelectMany(l => l).Order().ToArray();
Console.WriteLine($"path={path} batch={batch} connections={connections} seconds={elapsed:F1} requests={all.Length} refused={refused.Length} " +
    $"failed={failures.Sum()} req/s={all.Length / elapsed:F0} events/s={all.Length * batch / elapsed:F0} p50_ms={Percentile(all, 0.50):F2} " +
    $"p99_ms={Percentile(all, 0.99):F2} max_ms={(all.Length == 0 ? double.NaN : all[^1]):F2} max_gap_ms={maxGap:F1} " +
    $"refused_p99_ms={Percentile(refused, 0.99):F2} {await rss}".TrimEnd());

async Task<string> WatchRssAsync()
{
    long peakKb = 0;
    while (stop.Elapsed < deadline)
    {
        var line = File.ReadLines($"/proc/{serverPid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        if (line is not null)
            peakKb = Math.Max(peakKb, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
        await Task.Delay(100);
    }
    return $"server_rss_peak_mb={peakKb / 1024}";
}

string Body(int connection, ref long sequence, Random random)
{
    var sb = new StringBuilder(Math.Max(bodyBytes, batch * 180));
    sb.Append('[');
    for (var i = 0; i < batch; i++)
    {
        var n = sequence++;
        if (i > 0) sb.Append(',');
        var id = idsRange > 0 ? idsFrom + random.NextInt64(idsRange) : $"{run}-{connection}-{n}";
        // Each person gets impressions, views, carts and purchases; a person's variant is fixed by the person,
        // as sticky assignment would do. Seeded per connection, so runs are repeatable.
        var person = random.Next(5000);
        var user = $"u{connection}-{person}";
        // A realistic mix: mostly views, some carts, a few purchases and impressions.
        var kind = random.Next(20);
        if (filler is not null)
            sb.Append($$"""{"id":"{{id}}","action":"product_view","userId":"{{user}}","target":{"product":"sku-{{n % 500}}"},"params":{"note":"{{filler}}"}""" + "}");
        else if (kind == 0)
            sb.Append($$"""{"id":"{{id}}","action":"impression","userId":"{{user}}","experience":"exp","variant":"{{person % 2}}"}""");
        else if (kind == 1)
            sb.Append($$"""{"id":"{{id}}","action":"product_purchase","userId":"{{user}}","target":{"product":"sku-{{n % 500}}"},"params":{"price":12.5,"quantity":1}""" + "}");
        else if (kind < 4)
            sb.Append($$"""{"id":"{{id}}","action":"product_add_to_cart","userId":"{{user}}","target":{"product":"sku-{{n % 500}}"}""" + "}");
        else
            sb.Append($$"""{"id":"{{id}}","action":"product_view","userId":"{{user}}","sessionId":"s{{connection}}","target":{"product":"sku-{{n % 500}}"}""" + "}");
    }
    sb.Append(']');
    return batch == 1 ? sb.ToString(1, sb.Length - 2) : sb.ToString();
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];

int Option(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1]) : fallback;
string OptionText(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : fallback;
