using System.Globalization;
using System.Text;
using Footfall.Events;
using Footfall.Projects;
using Footfall.Storage;
using Microsoft.Extensions.Logging;
using static Footfall.ClickHouse.ClickHouseSql;

namespace Footfall.ClickHouse;

/// <summary>
/// The scale-out store: every fact lives in ClickHouse and nothing a node keeps in memory changes an answer, so
/// any number of server nodes can share one ClickHouse (or a cluster behind Distributed tables). Identical in
/// behaviour to the DuckDB store (one conformance suite runs against both).
/// </summary>
public sealed partial class ClickHouseEventStore : IEventStore
{
    private readonly ClickHouseSettings _settings;
    private readonly ClickHouseHttp _http;
    private readonly ClickHouseShards _shards;
    private readonly ClickHouseDdl _ddl;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    // Serialises this node's writes so its own links and erasures do not interleave; other nodes are not
    // excluded and need not be (see ClickHouseEventStore.Write.cs for why races stay correct).
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string? _nodeId;
    private long _lastOrd;

    /// <summary>The default of <see cref="MaxInteractionsRead"/>.</summary>
    public const int DefaultMaxInteractionsRead = 500_000;

    /// <summary>
    /// The most product interactions one <see cref="ReadProductInteractionsAsync"/> brings into this process (the feed
    /// performance report reads its range's sourced interactions; models read aggregates computed in SQL). A read past
    /// it throws <see cref="StoreLimitException"/> instead.
    /// </summary>
    public int MaxInteractionsRead { get; init; } = DefaultMaxInteractionsRead;

    /// <summary>A store on the ClickHouse a connection string names (<c>Host=..;Port=8123;Username=..;Database=..</c>).</summary>
    /// <param name="connectionString">Where ClickHouse listens and which database holds the store.</param>
    /// <param name="logger">Where start-up is logged.</param>
    /// <param name="clock">The time source (tests pass their own).</param>
    /// <param name="cluster">A cluster in the server's <c>remote_servers</c>: the store creates and migrates its tables on
    /// every node of it, sharding events over its shards (see <see cref="ClickHouseDdl"/>); null for one server.</param>
    /// <param name="nodeId">This node's id (kept in its data folder): needed when a node's ingest log feeds the store.</param>
    public ClickHouseEventStore(string connectionString, ILogger<ClickHouseEventStore> logger, TimeProvider? clock = null, string? cluster = null, string? nodeId = null)
    {
        _nodeId = nodeId;
        _settings = ClickHouseSettings.Parse(connectionString);
        // The name is spliced into DDL, like the database's.
        if (cluster is not null && (cluster.Length == 0 || !cluster.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
            throw new ArgumentException($"ClickHouse cluster '{cluster}' must be letters, digits and _");
        _ddl = new ClickHouseDdl(_settings.Database, cluster);
        _http = new ClickHouseHttp(_settings, _ddl);
        _shards = new ClickHouseShards(_http, _settings, cluster);
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_ddl.Cluster is { } cluster)
        {
            // Read once: where an erasure's mutations are watched, and which server of which shard takes a sharded ALTER.
            var hosts = await _http.QueryAsync(
                $"SELECT concat(host_address, ':', toString(port)), shard_num, host_name FROM system.clusters WHERE cluster = {Quote(cluster)} ORDER BY shard_num, replica_num",
                cancellationToken, inDatabase: false);
            _ddl.UseHosts(hosts.Select(h => h[0]!).ToList());
            _shards.UseServers(hosts.Select(h => (h[1]!, h[2]!)).ToList());
        }
        await new ClickHouseMigrator(_http, _shards, _ddl, _settings.Database, _logger).MigrateAsync(ClickHouseSchema.Migrations, cancellationToken);
        await BackfillQuarantineIdentifiersAsync(cancellationToken);
        await RepairPersonsAsync(cancellationToken);
        await DeriveSavedExperiencesAsync(cancellationToken);
        _logger.LogInformation("ClickHouse store ready: {Endpoint} database {Database}{Cluster}", _settings.Endpoint, _settings.Database,
            _ddl.Cluster is null ? "" : " on cluster " + _ddl.Cluster);
    }

    /// <inheritdoc />
    public async Task CreateProjectAsync(Project project, CancellationToken cancellationToken = default)
    {
        var rows = Row(project.Id, project.Name, project.SecretHash, Num(EventTime.ToUnixMs(project.CreatedAt)), Num(NextOrd()));
        await _http.InsertAsync("projects", "id, name, secret_hash, created_ms, ord", rows, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Project?> FindProjectAsync(string projectId, CancellationToken cancellationToken = default)
    {
        var rows = await _http.QueryAsync($"SELECT id, name, secret_hash, created_ms FROM projects FINAL WHERE id = {Quote(projectId)}", cancellationToken);
        return rows.Count == 0 ? null : ReadProject(rows[0]);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Project>> ListProjectsAsync(CancellationToken cancellationToken = default)
    {
        var rows = await _http.QueryAsync("SELECT id, name, secret_hash, created_ms FROM projects FINAL ORDER BY created_ms, ord", cancellationToken);
        return rows.Select(ReadProject).ToList();
    }

    private static Project ReadProject(string?[] r) => new(r[0]!, r[1]!, r[2]!, Time(r[3]));

    /// <summary>
    /// A node-local, strictly increasing stamp (milliseconds x 1000 + a counter): orders this node's writes
    /// ("a later value replaces an earlier one") and breaks ties in time in insertion order.
    /// </summary>
    private ulong NextOrd()
    {
        var now = EventTime.ToUnixMs(EventTime.Now(_clock)) * 1000;
        while (true)
        {
            var last = Interlocked.Read(ref _lastOrd);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _lastOrd, next, last) == last)
                return (ulong)next;
        }
    }

    internal static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string Num(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    internal static long Long(string? field) => long.Parse(field!, CultureInfo.InvariantCulture);

    internal static DateTime Time(string? ms) => EventTime.FromUnixMs(Long(ms));

    /// <summary>A one-row TabSeparated body.</summary>
    internal static StringBuilder Row(params string?[] fields) => AppendRow(new StringBuilder(), fields);

    internal static StringBuilder AppendRow(StringBuilder sb, params string?[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0) sb.Append('\t');
            TabSeparated.AppendField(sb, fields[i]);
        }
        return sb.Append('\n');
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        // Every acknowledged write is in ClickHouse or in the node's log, which the log's owner drains: nothing to flush.
        _http.Dispose();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
