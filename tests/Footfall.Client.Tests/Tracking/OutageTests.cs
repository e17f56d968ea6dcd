using Footfall.Client.Tests.Support;
using Footfall.Tests.Support;

namespace Footfall.Client.Tests.Tracking;

/// <summary>The server away for a while: events wait in memory, within bounds, and arrive exactly once when it is back.</summary>
public sealed class OutageTests : IDisposable
{
    private readonly TempFolder _data = new();
    private static readonly PersonId Guest = PersonId.Guest("outage-guest");

    [Fact]
    public async Task Events_tracked_before_the_server_ever_started_arrive_exactly_once()
    {
        var port = ServerProcess.FreePort();
        // The project id is only known once the server has made it; a fixed project lets the client start first.
        var (projectId, secretKey) = await CreateDefaultProjectAsync(port);
        await using var client = new FootfallClient(ClientOptions.For($"http://127.0.0.1:{port}", projectId, secretKey));
        var ids = Enumerable.Range(0, 40).Select(i => TrackPage(client, i)).ToList();
        using var tooEarly = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.FlushAsync(tooEarly.Token));
        Assert.Equal(40, client.QueuedEvents);

        await using var server = await ServerProcess.StartAsync(_data.Path, port: port);
        await client.FlushAsync();

        await AssertDeliveredOnceAsync(server, secretKey, ids);
        Assert.Equal(0, client.DroppedEvents);
    }

    [Fact]
    public async Task Events_tracked_while_the_server_is_killed_arrive_exactly_once_after_it_restarts()
    {
        var first = await ServerProcess.StartAsync(_data.Path);
        var port = new Uri(first.Url).Port;
        var (projectId, secretKey) = first.DefaultProject();
        await using var client = new FootfallClient(ClientOptions.For(first.Url, projectId, secretKey, o => o.BatchSize = 7));
        var ids = Enumerable.Range(0, 20).Select(i => TrackPage(client, i)).ToList();
        await client.FlushAsync();

        first.Kill();
        await first.DisposeAsync();
        ids.AddRange(Enumerable.Range(20, 30).Select(i => TrackPage(client, i)));
        // Let the client run into the dead server at least once before it comes back.
        using var whileDown = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.FlushAsync(whileDown.Token));

        await using var second = await ServerProcess.StartAsync(_data.Path, port: port);
        await client.FlushAsync();

        await AssertDeliveredOnceAsync(second, secretKey, ids);
        Assert.Equal(50, client.DeliveredEvents);
    }

    [Fact]
    public async Task A_full_queue_refuses_the_newest_events_and_counts_them()
    {
        var port = ServerProcess.FreePort();
        var (projectId, secretKey) = await CreateDefaultProjectAsync(port);
        var handler = new RecordingHandler();
        await using var client = new FootfallClient(ClientOptions.For($"http://127.0.0.1:{port}", projectId, secretKey, o =>
        {
            o.MaxQueuedEvents = 10;
            o.BatchSize = 5;
            o.FlushInterval = TimeSpan.FromHours(1);
        }), new HttpClient(handler));
        var kept = new List<string>();
        var refused = 0;
        void Track(int i)
        {
            var e = Page(i);
            if (client.Track(e)) kept.Add(e.Id);
            else refused++;
        }
        // A full batch goes out at once; after its first failed try the sender holds those 5 and retries them.
        var firstTry = handler.NextAnswer;
        for (var i = 0; i < 5; i++) Track(i);
        await firstTry.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 5; i < 30; i++) Track(i);

        // 5 in the sender's hands, 10 in the queue, the 15 newest refused.
        Assert.Equal(15, kept.Count);
        Assert.Equal(15, refused);
        Assert.Equal(15, client.DroppedEvents);
        Assert.Equal(15, client.QueuedEvents);

        await using var server = await ServerProcess.StartAsync(_data.Path, port: port);
        await client.FlushAsync();

        // Refusing the newest means what arrives is the first events, in one contiguous run.
        await AssertDeliveredOnceAsync(server, secretKey, kept);
        Assert.Equal(Enumerable.Range(0, kept.Count).Select(i => $"/p/{i}"),
            (await Reader(server, secretKey).GetActivityAsync(Guest, 100)).Select(e => e.Target!["page"]).Reverse());
    }

    [Fact]
    public async Task Disposing_while_the_server_is_down_gives_up_after_the_shutdown_timeout_and_counts_the_loss()
    {
        var port = ServerProcess.FreePort();
        var client = new FootfallClient(ClientOptions.For($"http://127.0.0.1:{port}", "any-project", change: o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200)));
        for (var i = 0; i < 12; i++)
            TrackPage(client, i);

        await client.DisposeAsync();

        Assert.Equal(12, client.DroppedEvents);
        Assert.Equal(0, client.QueuedEvents);
        Assert.False(client.PageView(Guest, "/after"));
        Assert.Equal(13, client.DroppedEvents);
        await client.FlushAsync(); // nothing pending: completes at once
    }

    private static FootfallEvent Page(int i) => new("page_view", Guest)
    {
        Target = new Dictionary<string, string> { ["page"] = $"/p/{i}" },
        // Distinct, increasing times make "newest first" a reliable order to compare with.
        Time = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i),
    };

    private static string TrackPage(FootfallClient client, int i)
    {
        var e = Page(i);
        Assert.True(client.Track(e));
        return e.Id;
    }

    // Starts and stops a server once so that the data folder holds the default project, whose id the client needs.
    private async Task<(string Id, string SecretKey)> CreateDefaultProjectAsync(int port)
    {
        await using var server = await ServerProcess.StartAsync(_data.Path, port: port);
        var keys = server.DefaultProject();
        await server.TerminateAsync(TimeSpan.FromSeconds(30));
        return keys;
    }

    private static FootfallReadClient Reader(ServerProcess server, string secretKey) =>
        new(new HttpClient(), ClientOptions.For(server.Url, "unused", secretKey));

    private static async Task AssertDeliveredOnceAsync(ServerProcess server, string secretKey, IReadOnlyList<string> ids)
    {
        var events = await Reader(server, secretKey).GetActivityAsync(Guest, 1000);
        Assert.Equal(ids.Order(StringComparer.Ordinal), events.Select(e => e.Id!).Order(StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public void Dispose() => _data.Dispose();
}
