using Footfall.ClickHouse;
using Footfall.Events;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>A database written before keys named their commit (event_keys without commit_id), opened by this version.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseKeyUpgradeTests(ClickHouseServer server)
{
    [Fact]
    public async Task Old_keys_are_unconfirmed_a_key_left_without_its_event_by_the_old_order_no_longer_blocks_its_retry()
    {
        var database = "t_" + Guid.NewGuid().ToString("N")[..12];
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}") };
        async Task Sql(string sql) => (await http.PostAsync("/", new StringContent(sql))).EnsureSuccessStatusCode();
        await Sql($"CREATE DATABASE {database}");
        // The table as the previous version created it, holding one key whose event was lost (ClickHouse died
        // between the two inserts) and one whose event is there.
        await Sql($"CREATE TABLE {database}.event_keys (project String, key String, actor String, ord UInt64) ENGINE = ReplacingMergeTree(ord) ORDER BY (project, key)");
        await Sql($"INSERT INTO {database}.event_keys VALUES ('p1', 'lost', 'u:a', 1), ('p1', 'kept', 'u:a', 2)");

        await using var store = new ClickHouseEventStore(server.ConnectionString(database), NullLogger<ClickHouseEventStore>.Instance);
        await store.InitializeAsync();
        await store.CreateProjectAsync(new Project("p1", "shop", "hash", DateTime.UtcNow));
        await Sql($"INSERT INTO {database}.events (project, action, time_ms, actor, eid, has_key, ord, received_ms, source) VALUES ('p1', 'signup', 1, 'u:a', 'kept', 1, 2, 1, 'native')");

        var outcome = await store.CommitAsync([new ProjectWrite("p1", [Event("lost"), Event("kept")], [], [])]);

        Assert.Equal((1, 1), (outcome[0].Accepted, outcome[0].Duplicates));
        var again = await store.CommitAsync([new ProjectWrite("p1", [Event("lost"), Event("kept")], [], [])]);
        Assert.Equal(2, again[0].Duplicates);
    }

    private static TrackedEvent Event(string key) => new()
    {
        Action = "signup", Time = DateTime.UnixEpoch, ReceivedAt = DateTime.UnixEpoch, UserId = "a", Key = key,
    };
}
