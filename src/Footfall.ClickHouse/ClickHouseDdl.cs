using static Footfall.ClickHouse.ClickHouseSql;

namespace Footfall.ClickHouse;

/// <summary>
/// The one place that turns the schema's steps (<see cref="ClickHouseSchema.Migrations"/>) and the store's deletes into
/// SQL, for one server or for a cluster (<c>--clickhouse-cluster</c>). On a cluster, every table is created
/// <c>ON CLUSTER</c> with a Replicated engine: a table in <see cref="ClickHouseSchema.ShardingKeys"/> is split over
/// the shards (<c>NAME_local</c> on each, replicated within its shard, and <c>NAME</c> a Distributed table over them);
/// every other table is one replicated table that every node holds whole, so the store's reads of it stay local and
/// its FINAL / argMax rules see every row. The store names tables as on one server either way.
/// </summary>
internal sealed class ClickHouseDdl(string database, string? cluster)
{
    private string _hostList = "";

    /// <summary>The cluster's name, or null on one server.</summary>
    public string? Cluster { get; } = cluster;

    /// <summary>Learns the cluster's hosts (<c>host:tcp_port</c>): where an erasure's mutations are watched.</summary>
    public void UseHosts(IReadOnlyList<string> hosts)
    {
        if (hosts.Count == 0)
            throw new ClickHouseException($"ClickHouse has no cluster named '{Cluster}' in its remote_servers");
        _hostList = string.Join(",", hosts);
    }

    /// <summary>Creates the database (on every node of a cluster).</summary>
    public string CreateDatabase() => $"CREATE DATABASE IF NOT EXISTS {database}{OnCluster}";

    /// <summary>The statements of a step that creates a table.</summary>
    public IEnumerable<string> Create(CreateTable table)
    {
        if (Cluster is null)
        {
            yield return $"CREATE TABLE IF NOT EXISTS {database}.{table.Name} ({table.Columns}) ENGINE = {table.Engine} {table.Layout}";
            yield break;
        }
        var local = LocalTable(table.Name);
        // A sharded table replicates within its shard; a whole table replicates over every node of the cluster.
        var path = local != table.Name ? $"/clickhouse/tables/{{shard}}/{database}/{local}" : $"/clickhouse/tables/all/{database}/{local}";
        yield return $"CREATE TABLE IF NOT EXISTS {database}.{local}{OnCluster} ({table.Columns}) ENGINE = {Replicated(table.Engine, path)} {table.Layout}";
        if (local != table.Name)
            yield return Distributed(table.Name);
    }

    /// <summary>
    /// The statements of a step that adds a column. With <c>internal_replication</c>, ClickHouse refuses ALTER ON CLUSTER
    /// on a table that is not replicated, so the Distributed table (which holds no rows: inserts into it are synchronous)
    /// is created again over the altered local tables.
    /// </summary>
    public IEnumerable<DdlStatement> Add(AddColumn column)
    {
        var local = LocalTable(column.Table);
        yield return new($"ALTER TABLE {database}.{local} ADD COLUMN {column.Column} {column.Definition}", IsSharded(column.Table));
        if (local == column.Table)
            yield break;
        yield return new($"DROP TABLE IF EXISTS {database}.{column.Table}{OnCluster}");
        yield return new(Distributed(column.Table));
    }

    /// <summary>
    /// The view of a derived table. On a cluster it is created on every node over the source's local table: a view fires
    /// on the node an insert lands on (a part fetched by replication does not fire it), and writes there into the
    /// derived table's local table, which replicates like any other.
    /// </summary>
    public string CreateView(CreateDerivedTable derived) =>
        $"CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.{derived.View}{OnCluster} TO {database}.{LocalTable(derived.Table.Name)} " +
        $"AS SELECT {derived.Columns} FROM {database}.{LocalTable(derived.Source)}{Where(derived)}";

    /// <summary>Fills a derived table once from the source's rows (through the Distributed tables on a cluster).</summary>
    public string Backfill(CreateDerivedTable derived) =>
        $"INSERT INTO {database}.{derived.Table.Name} SELECT {derived.Columns} FROM {database}.{derived.Source}{Where(derived)}";

    /// <summary>The statements that drop a derived table: its view first, so no insert writes into a table being dropped.</summary>
    public IEnumerable<string> Drop(DropDerivedTable derived)
    {
        yield return $"DROP TABLE IF EXISTS {database}.{derived.View}{OnCluster}";
        var local = LocalTable(derived.Table);
        if (local != derived.Table)
            yield return $"DROP TABLE IF EXISTS {database}.{derived.Table}{OnCluster}";
        yield return $"DROP TABLE IF EXISTS {database}.{local}{OnCluster}";
    }

    private static string Where(CreateDerivedTable derived) => derived.Where.Length == 0 ? "" : " WHERE " + derived.Where;

    /// <summary>A delete mutation. A replicated table passes it to its replicas; a sharded one needs it on each shard.</summary>
    public DdlStatement Delete(string table, string where) => new($"ALTER TABLE {database}.{LocalTable(table)} DELETE WHERE {where}", IsSharded(table));

    /// <summary>The table that stores <paramref name="table"/>'s rows on a node (where columns and mutations live).</summary>
    public string LocalTable(string table) => IsSharded(table) ? table + "_local" : table;

    private bool IsSharded(string table) => Cluster is not null && ClickHouseSchema.ShardingKeys.ContainsKey(table);

    /// <summary>The mutations of every node (a table function over the cluster's hosts on a cluster).</summary>
    public string Mutations(string username, string password) =>
        Cluster is null ? "system.mutations" : $"remote({Quote(_hostList)}, system.mutations, {Quote(username)}, {Quote(password)})";

    /// <summary>
    /// Query-string settings for an insert into <paramref name="table"/>: a Distributed insert waits for its shards (not
    /// a local queue that a crash loses). A whole table is written on the node the store talks to and reaches the other
    /// nodes by replication, without <c>insert_quorum</c>: on 18.16 a replica does not mutate the part of a quorum
    /// insert, so an erasure would never finish (measured). A node reading it through another ClickHouse node sees a
    /// write after the replication lag (docs/deploy.md).
    /// </summary>
    public string InsertSettings(string table) =>
        Cluster is null ? "" : ClickHouseSchema.ShardingKeys.ContainsKey(table) ? "&insert_distributed_sync=1" : "";

    /// <summary>
    /// Query-string settings for every statement. Every node reads and writes the first healthy replica of each shard,
    /// in the order of the cluster definition, so what a Distributed insert acknowledged is what the next read sees
    /// (another replica may lag behind it); the other replicas take over when it is down.
    /// </summary>
    public string QuerySettings => Cluster is null ? "" : "&load_balancing=in_order";

    private string Distributed(string table) =>
        $"CREATE TABLE IF NOT EXISTS {database}.{table}{OnCluster} AS {database}.{LocalTable(table)} ENGINE = Distributed({Cluster}, {database}, {LocalTable(table)}, {ClickHouseSchema.ShardingKeys[table]})";

    private string OnCluster => Cluster is null ? "" : $" ON CLUSTER {Cluster}";

    private static string Replicated(string engine, string path)
    {
        var open = engine.IndexOf('(', StringComparison.Ordinal);
        var name = open < 0 ? engine : engine[..open];
        var args = open < 0 ? "" : engine[(open + 1)..^1];
        return $"Replicated{name}('{path}', '{{replica}}'{(args.Length > 0 ? ", " + args : "")})";
    }
}

/// <summary>
/// A statement, and whether it must run on one replica of each shard (<see cref="ClickHouseShards"/>): an ALTER of a
/// sharded table on a cluster. An ALTER of a replicated table reaches the table's other replicas through ZooKeeper, so
/// one replica per shard is enough; it is never sent <c>ON CLUSTER</c> (see <see cref="ClickHouseShards"/> for why).
/// </summary>
internal readonly record struct DdlStatement(string Sql, bool OnEachShard = false);
