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
// Besides rates and percentiles it prints max_gap_ms: the longest time no request was acknowledged.
var url = args.Length > 1 ? args[0].TrimEnd('/') : throw new ArgumentException("usage: URL PROJECT_ID [--batch N] [--seconds S] [--connections C] [--path P]");
var project = args[1];
int batch = Option("--batch", 50), seconds = Option("--seconds", 20), connections = Option("--connections", 32);
var path = OptionText("--path", "/v1/events");
long eventLimit = Option("--events", 0);
var rate = Option("--rate", 0);
var idsFrom = OptionText("--ids-from", "");
long idsRange = Option("--ids-range", 0);
var get = args.Contains("--get");
var bearer = OptionText("--bearer", "");
long sent = 0;
if (!new Uri(url).IsLoopback)
    throw new ArgumentException("the load generator only targets loopback addresses");

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
{
    Timeout = TimeSpan.FromSeconds(30),
};
var run = Guid.NewGuid().ToString("N")[..8];
var latencies = new List<double>[connections];
var acknowledged = new List<long>[connections];
var failures = new int[connections];
var stop = Stopwatch.StartNew();
var deadline = TimeSpan.FromSeconds(seconds);
await Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
{
    latencies[c] = new List<double>(100_000);
    acknowledged[c] = new List<long>(100_000);
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
                Content = new StringContent(Body(c, ref sequence, random), Encoding.UTF8, "application/json"),
            };
        if (bearer.Length > 0)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var now = Stopwatch.GetTimestamp();
            latencies[c].Add(Stopwatch.GetElapsedTime(started, now).TotalMilliseconds);
            acknowledged[c].Add(now);
        }
        else
            failures[c]++;
    }
})));
var elapsed = stop.Elapsed.TotalSeconds;
var all = latencies.SelectMany(l => l).Order().ToArray();
double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(all.Length * p))];
var acks = acknowledged.SelectMany(a => a).Order().ToArray();
var maxGap = acks.Zip(acks.Skip(1), (a, b) => b - a).DefaultIfEmpty().Max() * 1000.0 / Stopwatch.Frequency;
Console.WriteLine($"path={path} batch={batch} connections={connections} seconds={elapsed:F1} requests={all.Length} non200={failures.Sum()} " +
    $"req/s={all.Length / elapsed:F0} events/s={all.Length * batch / elapsed:F0} p50_ms={Percentile(0.50):F2} p99_ms={Percentile(0.99):F2} " +
    $"max_ms={(all.Length == 0 ? double.NaN : all[^1]):F2} max_gap_ms={maxGap:F1}");

string Body(int connection, ref long sequence, Random random)
{
    var sb = new StringBuilder(batch * 180);
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
        if (kind == 0)
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

int Option(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1]) : fallback;
string OptionText(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : fallback;
