using System.Collections.Concurrent;

namespace Footfall.ClickHouse;

/// <summary>
/// Runs the statements that must reach every shard of a cluster (an ALTER of a sharded table: an erasure's deletes, a
/// new column) on one replica of each shard, over HTTP to that replica, never as <c>ALTER ... ON CLUSTER</c>. On 18.16
/// the replicas of one shard race in the distributed DDL queue to execute a replicated ALTER: the loser's marking it
/// done fails (<c>Node exists: .../shards/REPLICAS/executed</c>), its DDL worker stops for good, and every later
/// <c>ON CLUSTER</c> statement then waits <c>distributed_ddl_task_timeout</c> (180 s) for that server (seen in one CI
/// run in seven: an erasure's DELETE). One replica per shard is enough: a replicated table passes an ALTER to its other
/// replicas through ZooKeeper.
/// </summary>
/// <remarks>
/// A server's shard is its <c>shard</c> macro, the one the Replicated tables' paths name: servers with the same macro
/// hold one table. A server is reached at its HTTP address in the connection string's <c>Nodes</c>, or else at its
/// <c>remote_servers</c> host name on the connection string's port (the usual layout: one HTTP port on every server).
/// The store's own server comes first, then the others in the cluster's order; one that does not answer, or refuses,
/// is passed over for another replica of its shard. A shard none of whose servers took the statement fails it, named
/// with each server's answer: its rows would stay (<c>ON CLUSTER</c> would wait for it too).
/// </remarks>
internal sealed class ClickHouseShards(ClickHouseHttp http, ClickHouseSettings settings, string? cluster)
{
    // Bounds a server that accepts connections but answers nothing (paused), so its shard's next replica gets a turn.
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(30);

    // A server's macros are its configuration: learnt once per address.
    private readonly ConcurrentDictionary<Uri, string> _shardOf = new();
    private int _shards;
    private IReadOnlyList<Uri> _servers = [];

    /// <summary>
    /// Learns the cluster's servers (shard number, <c>remote_servers</c> host name), in the cluster's order, from the
    /// read the store makes of <c>system.clusters</c> at start.
    /// </summary>
    public void UseServers(IReadOnlyList<(string Shard, string Host)> servers)
    {
        _shards = servers.Select(s => s.Shard).Distinct().Count();
        IEnumerable<Uri> addresses = settings.Nodes.Count > 0 ? settings.Nodes : servers.Select(s => new UriBuilder(settings.Endpoint) { Host = s.Host }.Uri);
        _servers = [.. addresses.Prepend(settings.Endpoint).Distinct()];
    }

    /// <summary>
    /// Runs <paramref name="statement"/> on the store's server, or on one replica of each shard when it says so. A
    /// refusal that <paramref name="alreadyDone"/> accepts counts as done (a column a replayed migration step finds).
    /// </summary>
    /// <exception cref="ClickHouseException">A shard did not take it (or, on one server, the server refused it).</exception>
    public async Task ExecuteAsync(DdlStatement statement, CancellationToken cancellationToken, Func<ClickHouseException, bool>? alreadyDone = null)
    {
        if (!statement.OnEachShard)
        {
            await ExecuteOnAsync(null, statement.Sql, alreadyDone, cancellationToken);
            return;
        }
        if (_shards == 0)
            throw new InvalidOperationException("The cluster's servers are not known yet: the store learns them at start (UseServers)");
        var done = new SortedSet<string>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var node in _servers)
        {
            try
            {
                var shard = await ShardOfAsync(node, cancellationToken);
                if (done.Contains(shard))
                    continue;
                await ExecuteOnAsync(node, statement.Sql, alreadyDone, cancellationToken);
                done.Add(shard);
            }
            catch (Exception ex) when (ex is ClickHouseException or HttpRequestException || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{node.Authority}: {ex.Message}");
            }
        }
        if (done.Count < _shards)
        {
            throw new ClickHouseException(
                $"Only {done.Count} of the {_shards} shards of cluster '{cluster}' took a statement every shard needs (shard macros done: " +
                $"{string.Join(", ", done)}); name every server's HTTP address in the connection string's Nodes=host:port,... if they " +
                $"do not serve HTTP on its Port at their remote_servers host names. {string.Join("; ", failures)}");
        }
    }

    private async Task<string> ShardOfAsync(Uri node, CancellationToken cancellationToken)
    {
        if (_shardOf.TryGetValue(node, out var shard))
            return shard;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(NodeTimeout);
        var rows = await http.QueryAsync("SELECT substitution FROM system.macros WHERE macro = 'shard'", timeout.Token, inDatabase: false, node: node);
        return _shardOf[node] = rows.Count == 1 ? rows[0][0]! : throw new ClickHouseException("the server has no shard macro");
    }

    private async Task ExecuteOnAsync(Uri? node, string sql, Func<ClickHouseException, bool>? alreadyDone, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (node is not null)
            timeout.CancelAfter(NodeTimeout);
        try
        {
            await http.ExecuteAsync(sql, timeout.Token, node: node);
        }
        catch (ClickHouseException ex) when (alreadyDone?.Invoke(ex) == true)
        {
        }
    }
}
