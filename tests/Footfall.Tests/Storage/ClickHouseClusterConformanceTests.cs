using System.Globalization;
using Footfall.ClickHouse;
using Footfall.Identity;
using Footfall.Storage;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>
/// The conformance suite on a real two-shard ClickHouse cluster (<c>--clickhouse-cluster</c>), one fresh database per
/// test, created and migrated by the store itself; the store talks to the second shard's node, so every answer that
/// needs the first shard's rows goes through the Distributed table.
/// </summary>
[Collection(ClickHouseClusterCollection.Name)]
public sealed class ClickHouseClusterConformanceTests(ClickHouseCluster cluster) : EventStoreConformance
{
    private readonly string _database = "t_" + Guid.NewGuid().ToString("N")[..12];

    /// <inheritdoc />
    protected override Task<IEventStore> CreateStoreAsync() => Task.FromResult<IEventStore>(ClusterStore(cluster.ConnectionString(node: 2, _database)));

    /// <inheritdoc />
    protected override int LinkSequences => 12;

    private static ClickHouseEventStore ClusterStore(string connectionString) =>
        new(connectionString, NullLogger<ClickHouseEventStore>.Instance, cluster: ClickHouseCluster.Name);

    // On 18.16 an ALTER ... ON CLUSTER of a table replicated within a shard can stop one replica's DDL worker for good
    // ("Node exists: .../executed"); every later ON CLUSTER statement then waited 180 s (a CI run's erasure timed out).
    [Fact]
    public async Task Regression_erasure_went_ON_CLUSTER_where_18_16_stalls_now_each_shard_gets_it_from_one_replica()
    {
        // Events are sharded by identifier: a person of eight guests has events on both shards.
        string[] guests = ["g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7"];
        await CommitAsync(guests.Select((g, i) => Imp(T0.AddMinutes(i), "0", guest: g)).ToArray(),
            guests.Select(g => new IdentityLink(Identifier.Guest(g), Identifier.User("u1"))).ToArray());
        Task<long> EventsOn(int node) => CountAsync(node, $"SELECT count() FROM {_database}.events_local WHERE project = '{ProjectId}'");
        var (shard1, shard2) = (await EventsOn(0), await EventsOn(2));
        Assert.True(shard1 > 0 && shard2 > 0 && shard1 + shard2 == guests.Length, $"shard 1 holds {shard1} events, shard 2 {shard2}");
        const string ddlQueue = "SELECT count() FROM system.zookeeper WHERE path = '/clickhouse/task_queue/ddl'";
        var queued = await CountAsync(0, ddlQueue);

        Assert.Equal(guests.Length, await Store.ErasePersonAsync(ProjectId, Identifier.User("u1")));

        Assert.Equal(queued, await CountAsync(0, ddlQueue));
        Assert.Equal(0, await EventsOn(0));
        Assert.Equal(0, await EventsOn(2));
        // Shard 1's second replica takes the mutation from ZooKeeper, after its replication lag.
        await Poll.UntilAsync(async () => await EventsOn(1) == 0, TimeSpan.FromSeconds(60), "the second replica of shard 1 kept the erased events");
    }

    [Fact]
    public async Task An_erasure_that_cannot_reach_a_shard_fails_naming_it_and_a_retry_that_can_completes_it()
    {
        string[] guests = ["g0", "g1", "g2", "g3"];
        await CommitAsync(guests.Select(g => Imp(T0, "0", guest: g)).ToArray(),
            guests.Select(g => new IdentityLink(Identifier.Guest(g), Identifier.User("u1"))).ToArray());
        // Without Nodes, the other servers are looked for at their remote_servers host (127.0.0.1) on this one's port:
        // only shard 1 is reached.
        await using (var blind = ClusterStore(cluster.Nodes[0].ConnectionString(_database)))
        {
            await blind.InitializeAsync();
            var refused = await Assert.ThrowsAsync<ClickHouseException>(() => blind.ErasePersonAsync(ProjectId, Identifier.User("u1")));
            Assert.Contains("Only 1 of the 2 shards of cluster 'footfall'", refused.Message, StringComparison.Ordinal);
            Assert.Contains("Nodes=", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(4, await Store.ErasePersonAsync(ProjectId, Identifier.User("u1")));
        Assert.Null(await Store.FindPersonAsync(ProjectId, Identifier.User("u1")));
        foreach (var node in new[] { 0, 2 })
            Assert.Equal(0, await CountAsync(node, $"SELECT count() FROM {_database}.events_local WHERE project = '{ProjectId}'"));
    }

    [Fact]
    public async Task An_upgraded_database_gets_a_sharded_tables_new_columns_on_every_replica()
    {
        var database = "t_" + Guid.NewGuid().ToString("N")[..12];
        var settings = ClickHouseSettings.Parse(cluster.ConnectionString(node: 0, database));
        var ddl = new ClickHouseDdl(database, ClickHouseCluster.Name);
        using (var http = new ClickHouseHttp(settings, ddl))
        {
            await new ClickHouseMigrator(http, new ClickHouseShards(http, settings, ClickHouseCluster.Name), ddl, database, NullLogger.Instance)
                .MigrateAsync(ClickHouseSchema.Migrations.Take(1).ToList(), CancellationToken.None);
        }
        Task<long> LogPosOn(int node) =>
            CountAsync(node, $"SELECT count() FROM system.columns WHERE database = '{database}' AND table = 'events_local' AND name = 'log_pos'");
        Assert.Equal(0, await LogPosOn(0));

        // A later step adds events.log_pos: an ALTER of the sharded events_local, sent to one replica of each shard.
        await using (var store = ClusterStore(cluster.ConnectionString(node: 2, database)))
            await store.InitializeAsync();

        Assert.Equal(1, await LogPosOn(0));
        Assert.Equal(1, await LogPosOn(2));
        await Poll.UntilAsync(async () => await LogPosOn(1) == 1, TimeSpan.FromSeconds(60), "the second replica of shard 1 has no log_pos column");
    }

    private async Task<long> CountAsync(int node, string sql) => long.Parse(await cluster.QueryAsync(node, sql), CultureInfo.InvariantCulture);
}
