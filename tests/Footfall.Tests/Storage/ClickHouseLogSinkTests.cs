using Footfall.ClickHouse;
using Footfall.Events;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>The ClickHouse store fed by nodes' ingest logs: exactly once by (node, log position), one ClickHouse for several nodes.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseLogSinkTests(ClickHouseServer server)
{
    private readonly string _database = "t_" + Guid.NewGuid().ToString("N")[..12];

    private async Task<ClickHouseEventStore> OpenAsync(string node)
    {
        var store = new ClickHouseEventStore(server.ConnectionString(_database), NullLogger<ClickHouseEventStore>.Instance, nodeId: node);
        await store.InitializeAsync();
        await store.CreateProjectAsync(new Project("p1", "shop", "hash", DateTime.UtcNow));
        return store;
    }

    [Fact]
    public async Task The_same_log_entry_applied_twice_is_stored_once_also_by_the_restarted_node()
    {
        var write = new ProjectWrite("p1", [Event("k1"), Event(null), Event(null)], [], [Rejected()]);
        await using (var store = await OpenAsync("n1"))
        {
            Assert.Equal(0, await store.AppliedPositionAsync());
            Assert.Equal(3, (await store.ApplyAsync([write], [100]))[0].Accepted);
            Assert.Empty(await store.ApplyAsync([write], [100]));
            Assert.Equal(100, await store.AppliedPositionAsync());
        }
        await using (var restarted = await OpenAsync("n1"))
        {
            Assert.Equal(100, await restarted.AppliedPositionAsync());
            Assert.Empty(await restarted.ApplyAsync([write], [100]));
        }
        Assert.Equal("3", await ScalarAsync("SELECT count() FROM events"));
        Assert.Equal("1", await ScalarAsync("SELECT count() FROM rejected"));
    }

    [Fact]
    public async Task An_entry_whose_rows_landed_without_the_applied_mark_is_completed_not_doubled()
    {
        var write = new ProjectWrite("p1", [Event("k1"), Event(null)], [], [Rejected()]);
        await using (var first = await OpenAsync("n1"))
            await first.ApplyAsync([write], [100]);
        // What a crash between the events insert and the log_applied insert leaves: the rows without the mark.
        await SqlAsync("TRUNCATE TABLE log_applied");

        await using var restarted = await OpenAsync("n1");
        Assert.Equal(0, await restarted.AppliedPositionAsync());
        var outcome = await restarted.ApplyAsync([write, new ProjectWrite("p1", [Event("k2")], [], [])], [100, 180]);

        Assert.Equal((2, 0), (outcome[0].Accepted, outcome[0].Duplicates));
        Assert.Equal(180, await restarted.AppliedPositionAsync());
        Assert.Equal("3", await ScalarAsync("SELECT count() FROM events"));
        Assert.Equal("1", await ScalarAsync("SELECT count() FROM rejected"));
    }

    [Fact]
    public async Task A_key_retried_on_another_node_is_dropped_when_that_node_applies_it()
    {
        await using var a = await OpenAsync("node-a");
        await using var b = await OpenAsync("node-b");
        await a.ApplyAsync([new ProjectWrite("p1", [Event("order-1")], [], [])], [50]);

        var outcome = await b.ApplyAsync([new ProjectWrite("p1", [Event("order-1"), Event("order-2")], [], [])], [70]);

        Assert.Equal((1, 1), (outcome[0].Accepted, outcome[0].Duplicates));
        Assert.Equal("2", await ScalarAsync("SELECT count() FROM events"));
        // Each node resumes from its own mark.
        Assert.Equal((50L, 70L), (await a.AppliedPositionAsync(), await b.AppliedPositionAsync()));
    }

    [Fact]
    public async Task Regression_ARefusedLinkInAnAppliedEntry_WasQuarantinedWithoutItsMarks_AndJammedTheApplier()
    {
        await using var store = await OpenAsync("n1");
        await store.ApplyAsync([new ProjectWrite("p1", [Linking("u1", "g1")], [], [])], [40]);

        // g1's person already holds u1: the link to u2 is refused and its event kept; the refusal is quarantined with
        // the entry's marks (ClickHouse refused the whole insert of a row without them, and the applier retried forever).
        var write = new ProjectWrite("p1", [Linking("u2", "g1")], [], [Rejected()]);
        var outcome = await store.ApplyAsync([write], [90]);
        Assert.Equal((1, 1), (outcome[0].Accepted, outcome[0].RefusedLinks));
        Assert.Equal(90, await store.AppliedPositionAsync());
        Assert.Equal("0\n1", await ScalarAsync("SELECT log_seq FROM rejected WHERE log_pos = 90 ORDER BY log_seq"));

        // Applied again (a replay whose mark was lost), the refusal is not stored twice.
        await SqlAsync("TRUNCATE TABLE log_applied");
        await using var restarted = await OpenAsync("n1");
        await restarted.ApplyAsync([write], [90]);
        Assert.Equal("2", await ScalarAsync("SELECT count() FROM rejected WHERE log_pos = 90"));
    }

    private static TrackedEvent Linking(string user, string guest) => new()
    {
        Action = "signup", Time = DateTime.UtcNow, ReceivedAt = DateTime.UtcNow, UserId = user, GuestId = guest,
    };

    private static TrackedEvent Event(string? key) => new()
    {
        Action = "signup", Time = DateTime.UtcNow, ReceivedAt = DateTime.UtcNow, UserId = "a", Key = key,
    };

    private static RejectedEvent Rejected() => new(DateTime.UtcNow, "native", "action is required", "{}");

    private async Task<string> ScalarAsync(string sql)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}") };
        var response = await http.PostAsync($"/?database={_database}", new StringContent(sql));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync()).Trim();
    }

    private Task SqlAsync(string sql) => ScalarAsync(sql);
}
