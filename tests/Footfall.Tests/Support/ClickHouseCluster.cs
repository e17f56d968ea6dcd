namespace Footfall.Tests.Support;

/// <summary>
/// A real ClickHouse cluster on loopback: ZooKeeper and three clickhouse-server processes, two shards, the first with
/// two replicas. The cluster is named <see cref="Name"/> in every node's <c>remote_servers</c>, with
/// <c>internal_replication</c> (without it, ALTER ... ON CLUSTER on replicated tables is refused). One per test
/// collection (<see cref="ClickHouseClusterCollection"/>); each test uses its own database.
/// </summary>
public sealed class ClickHouseCluster : IAsyncLifetime
{
    /// <summary>The cluster's name, as <c>--clickhouse-cluster</c> takes it.</summary>
    public const string Name = "footfall";

    private readonly ZooKeeperServer _zooKeeper = new();
    private readonly List<ClickHouseServer> _nodes = [];

    /// <summary>The nodes: [0] shard 1 replica 1, [1] shard 1 replica 2, [2] shard 2.</summary>
    public IReadOnlyList<ClickHouseServer> Nodes => _nodes;

    /// <summary>
    /// A connection string to <paramref name="node"/> for <paramref name="database"/> (a fresh name by default), naming
    /// every node's HTTP address in <c>Nodes</c>: on loopback they differ by port, not by host name.
    /// </summary>
    public string ConnectionString(int node = 0, string? database = null) =>
        _nodes[node].ConnectionString(database) + ";Nodes=" + string.Join(",", _nodes.Select(n => $"127.0.0.1:{n.HttpPort}"));

    /// <summary>Runs <paramref name="sql"/> on <paramref name="node"/> and returns its TabSeparated answer, trimmed.</summary>
    public async Task<string> QueryAsync(int node, string sql)
    {
        using var http = new HttpClient();
        using var content = new StringContent(sql);
        var response = await http.PostAsync($"http://127.0.0.1:{_nodes[node].HttpPort}/", content);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? text.Trim() : throw new InvalidOperationException($"ClickHouse node {node}: {text}");
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await _zooKeeper.StartAsync();
        (int Shard, string Replica)[] layout = [(1, "s1r1"), (1, "s1r2"), (2, "s2r1")];
        var tcpPorts = layout.Select(_ => ServerProcess.FreePort()).ToArray();
        string Replica(int i) => $"<replica><host>127.0.0.1</host><port>{tcpPorts[i]}</port></replica>";
        var shards = string.Join("", layout.Select((n, i) => (n.Shard, i)).GroupBy(n => n.Shard)
            .Select(g => $"<shard><internal_replication>true</internal_replication>{string.Join("", g.Select(n => Replica(n.i)))}</shard>"));
        for (var i = 0; i < layout.Length; i++)
        {
            var config = $"""
                <zookeeper><node><host>127.0.0.1</host><port>{_zooKeeper.Port}</port></node></zookeeper>
                <macros><shard>{layout[i].Shard:00}</shard><replica>{layout[i].Replica}</replica></macros>
                <interserver_http_host>127.0.0.1</interserver_http_host>
                <interserver_http_port>{ServerProcess.FreePort()}</interserver_http_port>
                <remote_servers><{Name}>{shards}</{Name}></remote_servers>
                <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
                """;
            _nodes.Add(new ClickHouseServer(ServerProcess.FreePort(), tcpPorts[i], config));
        }
        await Task.WhenAll(_nodes.Select(n => n.InitializeAsync()));
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        await _zooKeeper.DisposeAsync();
    }
}

/// <summary>Test classes in this collection share one <see cref="ClickHouseCluster"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ClickHouseClusterCollection : ICollectionFixture<ClickHouseCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "ClickHouse cluster";
}
