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
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    // Serialises this node's writes so its own links and erasures do not interleave; other nodes are not
    // excluded and need not be (see ClickHouseEventStore.Write.cs for why races stay correct).
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastOrd;

    /// <summary>A store on the ClickHouse a connection string names (<c>Host=..;Port=8123;Username=..;Database=..</c>).</summary>
    public ClickHouseEventStore(string connectionString, ILogger<ClickHouseEventStore> logger, TimeProvider? clock = null)
    {
        _settings = ClickHouseSettings.Parse(connectionString);
        _http = new ClickHouseHttp(_settings);
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _http.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {_settings.Database}", cancellationToken, inDatabase: false);
        foreach (var ddl in ClickHouseSchema.Create)
            await _http.ExecuteAsync(ddl, cancellationToken);
        await AddMissingColumnsAsync(cancellationToken);
        await CreateDerivedTablesAsync(cancellationToken);
        await BackfillQuarantineIdentifiersAsync(cancellationToken);
        await RepairPersonsAsync(cancellationToken);
        _logger.LogInformation("ClickHouse store ready: {Endpoint} database {Database}", _settings.Endpoint, _settings.Database);
    }

    private async Task AddMissingColumnsAsync(CancellationToken cancellationToken)
    {
        foreach (var (table, column, definition) in ClickHouseSchema.AddedColumns)
        {
            var present = await _http.QueryAsync(
                $"SELECT 1 FROM system.columns WHERE database = {Quote(_settings.Database)} AND table = {Quote(table)} AND name = {Quote(column)}",
                cancellationToken);
            if (present.Count > 0) continue;
            try
            {
                await _http.ExecuteAsync($"ALTER TABLE {table} ADD COLUMN {column} {definition}", cancellationToken);
            }
            catch (ClickHouseException ex) when (ex.Message.Contains("already exists", StringComparison.Ordinal))
            {
                // Another node starting at the same moment added it first.
            }
        }
    }

    private async Task CreateDerivedTablesAsync(CancellationToken cancellationToken)
    {
        foreach (var derived in ClickHouseDerivedTables.All)
        {
            var existed = (await _http.QueryAsync(
                $"SELECT 1 FROM system.tables WHERE database = {Quote(_settings.Database)} AND name = {Quote(derived.View)}", cancellationToken)).Count > 0;
            await _http.ExecuteAsync(derived.CreateTable, cancellationToken);
            await _http.ExecuteAsync(ClickHouseDerivedTables.CreateView(derived), cancellationToken);
            // Rows the source got after the view existed and before this SELECT read it arrive twice: every derived
            // table is read with a rule a duplicate does not change (argMax, uniqExact(eid), LIMIT 1 BY eid).
            if (!existed)
                await _http.ExecuteAsync($"INSERT INTO {derived.Table} {derived.Select}", cancellationToken);
        }
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
        // Every acknowledged write is already in ClickHouse: there is nothing to flush.
        _http.Dispose();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
