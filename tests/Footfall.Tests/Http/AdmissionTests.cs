using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Http;

/// <summary>
/// Issue 08's admission before the body is read, on the real server process: only real Kestrel sockets show
/// whether the server answers before the client has sent its body.
/// </summary>
public sealed class AdmissionTests
{
    private const int BodyBytes = 1_000_000;

    [Fact]
    public async Task Past_the_bytes_in_flight_the_refusal_comes_before_the_body_is_sent()
    {
        using var data = new TempFolder();
        await using var server = await ServerProcess.StartAsync(data.Path, ["--Admission:MaxBytesInFlight", $"{2 * 1024 * 1024}"]);
        var (project, secret) = server.DefaultProject();
        // Two bodies of 1 MB fill the bound: their headers are sent, their bodies held back.
        using var first = await RawRequest.SendHeadersAsync(server, $"/v1/events?project={project}", BodyBytes);
        using var second = await RawRequest.SendHeadersAsync(server, $"/v1/events?project={project}", BodyBytes);
        await WaitUntilAsync(async () => await MetricAsync(server, "footfall_admission_bytes") >= 2 * BodyBytes);

        // A third is answered at once, without a byte of its body sent: 503, and 429 on Segment's routes.
        using var third = await RawRequest.SendHeadersAsync(server, $"/v1/events?project={project}", BodyBytes);
        var (status, head, body) = await third.ReadAnswerAsync();
        Assert.True(status == 503, $"{status}: {body}");
        Assert.Contains("Retry-After: 1", head);
        Assert.Contains("MaxBytesInFlight", body);
        using var segment = await RawRequest.SendHeadersAsync(server, "/segment/v1/batch", BodyBytes, $"X-Write-Key: {project}");
        var (segmentStatus, segmentHead, _) = await segment.ReadAnswerAsync();
        Assert.Equal(429, segmentStatus);
        Assert.Contains("Retry-After: 1", segmentHead);

        // The two admitted requests send their bodies and are stored.
        await first.SendBodyAsync(Batch("held-a", "held-user", 50, BodyBytes));
        await second.SendBodyAsync(Batch("held-b", "held-user", 50, BodyBytes));
        foreach (var admitted in new[] { first, second })
        {
            var (okStatus, _, okBody) = await admitted.ReadAnswerAsync();
            Assert.True(okStatus == 200, $"{okStatus}: {okBody}");
            Assert.Equal(50, JsonDocument.Parse(okBody).RootElement.GetProperty("accepted").GetInt32());
        }
        Assert.Equal(100, await StoredAsync(server, secret, "held-user"));
        // Released when each request ends, which is after its answer reached the client.
        await WaitUntilAsync(async () => await MetricAsync(server, "footfall_admission_bytes") == 0);
    }

    [Fact]
    public async Task A_flood_of_large_bodies_is_refused_while_good_events_and_healthz_go_through()
    {
        using var data = new TempFolder();
        await using var server = await ServerProcess.StartAsync(data.Path, ["--Admission:MaxBytesInFlight", $"{4 * 1024 * 1024}"]);
        var (project, secret) = server.DefaultProject();
        using var flooder = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(120) };
        var statuses = new List<HttpStatusCode>();
        var flood = Task.WhenAll(Enumerable.Range(0, 64).Select(async c =>
        {
            var body = Batch($"flood-{c}", $"flood-{c}", 1000, BodyBytes);
            for (var i = 0; i < 4; i++)
            {
                using var response = await flooder.PostAsync($"/v1/events?project={project}", new StringContent(body, Encoding.UTF8, "application/json"));
                lock (statuses) statuses.Add(response.StatusCode);
            }
        }));

        // Beside the flood: a client honouring Retry-After loses no event, and /healthz answers every probe.
        var refusedGood = 0;
        var goodClient = Task.Run(async () =>
        {
            using var good = server.Client();
            for (var batch = 0; batch < 20; batch++)
            {
                var events = Batch($"good-{batch}", "good-user", 50, 0);
                while (true)
                {
                    using var response = await good.PostAsync($"/v1/events?project={project}", new StringContent(events, Encoding.UTF8, "application/json"));
                    if (response.StatusCode == HttpStatusCode.OK)
                        break;
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Interlocked.Increment(ref refusedGood);
                    await Task.Delay(response.Headers.RetryAfter!.Delta!.Value / 10); // a client's back-off, shortened for the test
                }
            }
        });
        using var probe = server.Client();
        var probes = 0;
        while (!flood.IsCompleted || probes == 0)
        {
            Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/healthz")).StatusCode);
            probes++;
        }
        await goodClient;
        await flood;

        var refused = statuses.Count(s => s == HttpStatusCode.ServiceUnavailable);
        Assert.True(refused > 0, $"no flood request was refused ({statuses.Count} sent)");
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{s}"));
        Assert.Equal(20 * 50, await StoredAsync(server, secret, "good-user"));
        // 64 bodies of 1 MB parsed at once took main's server past 600 MB; admitted, 4 MB of bodies are in flight at most.
        var peakMb = PeakRssMb(server.ProcessId);
        Assert.True(peakMb < 512, $"peak RSS {peakMb} MB (flood: {statuses.Count - refused} stored, {refused} refused; good refused {refusedGood}; {probes} probes)");
    }

    // A batch of `count` events, padded with JSON whitespace to exactly `bytes` when that is more.
    private static string Batch(string prefix, string user, int count, int bytes)
    {
        var json = JsonSerializer.Serialize(Enumerable.Range(0, count).Select(i => new
        {
            id = $"{prefix}-{i}", action = "product_view", userId = user, target = new { product = $"sku-{i}" },
            @params = new { note = new string('x', bytes > 0 && count > 50 ? Math.Max(0, bytes / count - 150) : 0) },
        }));
        return json.Length < bytes ? json + new string(' ', bytes - json.Length) : json;
    }

    private static async Task<int> StoredAsync(ServerProcess server, string secret, string user)
    {
        // After a flood the applier can be seconds behind, past a read's own bounded wait.
        await server.WaitAppliedAsync(secret);
        using var reader = server.Client();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        var activity = await reader.GetFromJsonAsync<JsonElement>($"/v1/people/activity?userId={user}&limit=1000");
        return activity.GetProperty("events").GetArrayLength();
    }

    private static async Task<double> MetricAsync(ServerProcess server, string name)
    {
        using var http = server.Client();
        var text = await http.GetStringAsync("/metrics");
        return text.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition) =>
        Poll.UntilAsync(condition, TimeSpan.FromSeconds(30), "the condition did not hold within 30 s", everyMs: 20);

    private static long PeakRssMb(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;

    /// <summary>An HTTP/1.1 request on a raw socket, so a test decides when (and whether) the body is sent.</summary>
    private sealed class RawRequest : IDisposable
    {
        private readonly TcpClient _tcp;
        private readonly NetworkStream _stream;

        private RawRequest(TcpClient tcp)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
        }

        public static async Task<RawRequest> SendHeadersAsync(ServerProcess server, string pathAndQuery, int contentLength, params string[] headers)
        {
            var uri = new Uri(server.Url);
            var tcp = new TcpClient();
            await tcp.ConnectAsync(uri.Host, uri.Port);
            var request = new RawRequest(tcp);
            var head = $"POST {pathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\n" +
                $"Content-Length: {contentLength}\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n";
            await request._stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            return request;
        }

        public Task SendBodyAsync(string body) => _stream.WriteAsync(Encoding.UTF8.GetBytes(body)).AsTask();

        public async Task<(int Status, string Head, string Body)> ReadAnswerAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var bytes = new List<byte>();
            var buffer = new byte[8192];
            int end;
            while ((end = IndexOfBlankLine(bytes)) < 0)
            {
                var read = await _stream.ReadAsync(buffer, timeout.Token);
                Assert.True(read > 0, "the server closed the connection without an answer");
                bytes.AddRange(buffer.AsSpan(0, read));
            }
            var head = Encoding.ASCII.GetString(bytes.GetRange(0, end).ToArray());
            var status = int.Parse(head.Split(' ')[1]);
            var lines = head.Split("\r\n");
            if (lines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } lengthLine)
            {
                var length = int.Parse(lengthLine["Content-Length:".Length..].Trim());
                await ReadUntilAsync(bytes, buffer, () => bytes.Count >= end + 4 + length, timeout.Token);
                return (status, head, Encoding.UTF8.GetString(bytes.GetRange(end + 4, length).ToArray()));
            }
            // Chunked: read to the last chunk, then join the chunks.
            await ReadUntilAsync(bytes, buffer, () => Encoding.ASCII.GetString(bytes.ToArray()).EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal), timeout.Token);
            var rest = Encoding.UTF8.GetString(bytes.GetRange(end + 4, bytes.Count - end - 4).ToArray());
            var body = new StringBuilder();
            for (var at = 0; ;)
            {
                var lineEnd = rest.IndexOf("\r\n", at, StringComparison.Ordinal);
                var size = Convert.ToInt32(rest[at..lineEnd], 16);
                if (size == 0)
                    return (status, head, body.ToString());
                body.Append(rest, lineEnd + 2, size);
                at = lineEnd + 2 + size + 2;
            }
        }

        private async Task ReadUntilAsync(List<byte> bytes, byte[] buffer, Func<bool> done, CancellationToken cancellationToken)
        {
            while (!done())
            {
                var read = await _stream.ReadAsync(buffer, cancellationToken);
                Assert.True(read > 0, "the server closed the connection inside the answer");
                bytes.AddRange(buffer.AsSpan(0, read));
            }
        }

        private static int IndexOfBlankLine(List<byte> bytes)
        {
            for (var i = 0; i + 3 < bytes.Count; i++)
            {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
                    return i;
            }
            return -1;
        }

        public void Dispose() => _tcp.Dispose();
    }
}
