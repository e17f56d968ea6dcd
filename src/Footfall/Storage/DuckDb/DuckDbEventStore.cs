using System.Collections.Frozen;
using System.Data.Common;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Footfall.Identity;
using Footfall.Projects;
using Microsoft.Extensions.Logging;

namespace Footfall.Storage.DuckDb;

/// <summary>
/// The embedded store: one DuckDB file in the data folder. DuckDB allows one writing process, so this store
/// is for one server. The identity map and results live in the file, with an index of the identity map beside it
/// (<see cref="IdentityIndex"/>); memory holds a bounded identity cache, the index's bounded block cache, 8-byte hashes
/// of the idempotency keys (once used) and DuckDB's buffer (<c>memory_limit</c>).
/// </summary>
public sealed partial class DuckDbEventStore : IEventStore
{
    private readonly string _path;
    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly DuckDBConnection _writeConnection;
    // Guards the in-memory state below and the write connection: commits, links and erasure take it.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IdentityGraph _identities = new();
    private readonly EventKeyIndex _keys = new();
    private bool _keysLoaded;
    // Project id -> number, read without a lock by every request: replaced whole (under _gate), never changed in place.
    private volatile FrozenDictionary<string, int> _projectNumbers = FrozenDictionary<string, int>.Empty;
    private long _nextSeq = 1;
    // Set when a checkpoint failed after a commit (DuckDB has invalidated the database, see Apply), or when the identity
    // index could not be written after one (WriteIdentityIndex).
    private volatile Exception? _broken;

    /// <summary>
    /// DuckDB's memory limit when none is given (its own default is 80% of the machine's RAM): with it a server on 100M
    /// events holds under 1 GB after a model build (0.88-0.99 GB, against 1.02-1.08 GB with 512MB, which was the default
    /// until then and counted no faster: docs/benchmarks.md §8); past it DuckDB spills to <c>footfall.duckdb.tmp</c>.
    /// </summary>
    public const string DefaultMemoryLimit = "384MB";

    private readonly string _memoryLimit;

    /// <summary>
    /// How many appended pair changes a project's kept co-visit counts hold before a refresh folds them into its pair
    /// counts (every read of the counts sums the changes; a fold writes the pair table again: ~30M rows at 100M events).
    /// </summary>
    internal long PairChangesFoldRows { get; set; } = 1_000_000;

    /// <summary>
    /// How many touches may leave a project's co-visit window in one count; when more left it since the last (a refresh
    /// after a long stop), the window is moved in steps of that many (DuckDbEventStore.CoVisits.cs).
    /// </summary>
    internal int WindowStepTouches { get; set; } = 20_000;

    /// <summary>Whether <paramref name="limit"/> is a size DuckDB accepts, such as <c>512MB</c> or <c>2GB</c>.</summary>
    public static bool IsMemoryLimit(string limit) => System.Text.RegularExpressions.Regex.IsMatch(limit,
        "^[0-9]+(\\.[0-9]+)?\\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>Opens (creating if needed) the database file at <paramref name="path"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="logger">Where start-up and shutdown are logged.</param>
    /// <param name="clock">The time source (tests pass their own).</param>
    /// <param name="memoryLimit">DuckDB's buffer memory limit, e.g. <c>2GB</c>; beyond it DuckDB evicts and spills.</param>
    /// <param name="identityCacheSize">How many identifiers the writer's identity cache holds before it is emptied.</param>
    public DuckDbEventStore(string path, ILogger<DuckDbEventStore> logger, TimeProvider? clock = null, string? memoryLimit = null,
        int identityCacheSize = DefaultIdentityCacheSize)
    {
        if (identityCacheSize < 1)
            throw new ArgumentException($"the identity cache must hold at least 1 identifier, not {identityCacheSize}");
        _identityCacheSize = identityCacheSize;
        _memoryLimit = memoryLimit ?? DefaultMemoryLimit;
        if (!IsMemoryLimit(_memoryLimit))
            throw new ArgumentException($"the DuckDB memory limit must look like 512MB or 2GB, not '{_memoryLimit}'");
        _path = path;
        _connectionString = $"Data Source={path}";
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        _writeConnection = new DuckDBConnection(_connectionString);
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _writeConnection.OpenAsync(cancellationToken);
        RemoveSpillFilesOfEarlierRuns();
        await OpenWriteConnectionAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // The index first: an erasure a crash kept from it is re-derived into it before the compaction rewrites it.
            OpenIdentityIndex();
            // An erasure the last run could not compact at shutdown is compacted before anything reads the file. A
            // failure (a full disk) must not keep the server from starting: the file stays marked for the next try.
            try
            {
                CompactIfErased();
            }
            catch (Exception ex) when (ex is IOException or DuckDBException or StoreLimitException)
            {
                _logger.LogWarning(ex, "Rewriting the database file after erasure failed; erased rows stay in it until a later shutdown or start succeeds");
            }
            if (_writeConnection.State != System.Data.ConnectionState.Open)
                await OpenWriteConnectionAsync(cancellationToken);
            BackfillQuarantineIdentifiers();
            LoadState();
            DeriveMissingRollups();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task OpenWriteConnectionAsync(CancellationToken cancellationToken)
    {
        if (_writeConnection.State != System.Data.ConnectionState.Open)
            await _writeConnection.OpenAsync(cancellationToken);
        Execute(_writeConnection, $"SET memory_limit = '{_memoryLimit}'");
        DuckDbMigrator.Migrate(_writeConnection, DuckDbSchema.Migrations, _logger);
    }

    // DuckDB removes what it spilled to its temp directory when it closes; a process killed mid-spill leaves its files
    // there for good (6.2 GB after a 100M model refresh was killed), holding rows an erasure may remove since. Called
    // once the file is open, so DuckDB's lock keeps any other process off the folder, and before this process can spill.
    private void RemoveSpillFilesOfEarlierRuns()
    {
        using var reader = Query(_writeConnection, "SELECT current_setting('temp_directory')");
        if (!reader.Read() || reader.IsDBNull(0) || reader.GetString(0) is not { Length: > 0 } directory || !Directory.Exists(directory))
            return;
        foreach (var file in Directory.EnumerateFiles(directory, "duckdb_temp_*"))
        {
            _logger.LogInformation("Removing {File}, spilled by a run that did not shut down cleanly", file);
            File.Delete(file);
        }
    }

    private void LoadState()
    {
        lock (_identities)
            LoadStateLocked();
    }

    private void LoadStateLocked()
    {
        _keys.Clear();
        var projectNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var reader = Query(_writeConnection, "SELECT no, id FROM projects"))
        {
            while (reader.Read())
                projectNumbers[reader.GetString(1)] = reader.GetInt32(0);
        }
        _projectNumbers = projectNumbers.ToFrozenDictionary(StringComparer.Ordinal);
        _identities.Clear(Scalar<long>(_writeConnection, "SELECT coalesce(max(id), 0) + 1 FROM idents"));
        _identityGeneration = Scalar<long>(_writeConnection, "SELECT coalesce(max(gen), 0) FROM ident_log");
        _keysLoaded = false;
        // From the identity index's result position when the newest events are still there (a hint for the zone maps:
        // a max over every seq read 100M of them at start); an erasure may have taken them, then from all.
        var next = Scalar<long>(_writeConnection, "SELECT coalesce(max(seq), -1) + 1 FROM events WHERE seq >= $s", ("s", Index.ResultPosition ?? 0));
        _nextSeq = next > 0 ? next : Scalar<long>(_writeConnection, "SELECT coalesce(max(seq), 0) + 1 FROM events");
        LoadTrackedMetrics();
        _logger.LogInformation("Next event {Seq}", _nextSeq);
    }

    /// <inheritdoc />
    public async Task CreateProjectAsync(Project project, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var no = Scalar<int>(_writeConnection, "SELECT coalesce(max(no), 0) + 1 FROM projects");
            Execute(_writeConnection, "INSERT INTO projects VALUES ($no, $id, $name, $hash, $created)",
                ("no", no), ("id", project.Id), ("name", project.Name), ("hash", project.SecretHash), ("created", project.CreatedAt));
            _projectNumbers = _projectNumbers.Append(KeyValuePair.Create(project.Id, no)).ToFrozenDictionary(StringComparer.Ordinal);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<Project?> FindProjectAsync(string projectId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        using var reader = Query(connection, "SELECT id, name, secret_hash, created_at FROM projects WHERE id = $id", ("id", projectId));
        return reader.Read() ? ReadProject(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Project>> ListProjectsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        using var reader = Query(connection, "SELECT id, name, secret_hash, created_at FROM projects ORDER BY no");
        var list = new List<Project>();
        while (reader.Read())
            list.Add(ReadProject(reader));
        return list;
    }

    private static Project ReadProject(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc));

    /// <summary>The interned number of a project, or -1 when unknown.</summary>
    private int ProjectNumber(string projectId) => _projectNumbers.TryGetValue(projectId, out var no) ? no : -1;

    /// <summary>
    /// A connection for one read, interrupted in DuckDB when <paramref name="cancellationToken"/> is cancelled: a
    /// read nobody waits for any more (a model refresh's SQL step at shutdown, up to 22 s at 100M events; a read past
    /// its deadline) stops instead of holding the cores, and shutdown, to its end.
    /// </summary>
    internal async Task<DuckDBConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        if (cancellationToken.CanBeCanceled)
        {
            // Cancelling any command of a connection interrupts the statement it runs; an idle connection runs its
            // next statement as usual.
            var interrupt = cancellationToken.Register(static state =>
            {
                try
                {
                    using var command = ((DuckDBConnection)state!).CreateCommand();
                    command.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The read ended while the token was being cancelled: nothing left to interrupt.
                }
            }, connection);
            connection.Disposed += (_, _) => interrupt.Dispose();
        }
        return connection;
    }

    /// <summary>
    /// <c>column IN (v1, v2, ...)</c> with the values written as constants: DuckDB finds constants through the column's
    /// index, where a list parameter (<c>IN (SELECT unnest($list))</c>) becomes a join that reads the whole table. The
    /// list ends with -1, a number no identifier or person has: DuckDB turns a list of consecutive numbers (a guest and
    /// the user they became are often numbered n and n + 1) into a range filter, which it answers by a scan.
    /// </summary>
    private static string In(string column, IEnumerable<long> values)
    {
        var list = string.Join(", ", values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return list.Length == 0 ? "false" : $"{column} IN ({list}, -1)";
    }

    internal static DbDataReader Query(DuckDBConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return Run(command, c => c.ExecuteReader());
    }

    internal static int Execute(DuckDBConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return Run(command, c => c.ExecuteNonQuery());
    }

    internal static T Scalar<T>(DuckDBConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return (T)Convert.ChangeType(Run(command, c => c.ExecuteScalar())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    // An invalidated database refuses every statement until the process reopens it: say so in a type the server
    // turns into a restart, not in an error each caller would have to recognise.
    private static T Run<T>(DuckDBCommand command, Func<DuckDBCommand, T> run)
    {
        try
        {
            return run(command);
        }
        catch (DuckDBException ex) when (ex.Message.Contains("database has been invalidated", StringComparison.Ordinal))
        {
            throw Invalidated(ex);
        }
        // Out of its buffer, the same statement fails again on retry: the answer names the setting, not "retry shortly"
        // (the most active person's erasure and a refresh after a long stop at 100M events ran out of 384MB this way).
        catch (DuckDBException ex) when (ex.ErrorType == DuckDBErrorType.OutOfMemory)
        {
            // The first line of DuckDB's message names sizes alone.
            throw new StoreLimitException($"DuckDB ran out of its memory limit (--duckdb-memory; a larger one lets this through): {ex.Message.Split('\n')[0].Trim()}", ex);
        }
    }

    // The stop names the first failure: DuckDB's "Original error: ..." line once the database is invalidated (a full
    // disk: 'Could not write file ...: No space left on device'), or the failed checkpoint's own first line.
    private static StoreBrokenException Invalidated(Exception cause)
    {
        var lines = cause.Message.Split('\n');
        var why = (lines.FirstOrDefault(l => l.StartsWith("Original error:", StringComparison.Ordinal)) ?? lines[0]).Trim();
        return new StoreBrokenException($"the DuckDB database was invalidated ({why}); the process must restart", cause);
    }

    private static DuckDBCommand Command(DuckDBConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.Add(new DuckDBParameter(name, value ?? DBNull.Value));
        return command;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            // A checkpoint folds the WAL into the file so the next start does not replay it (nothing to fold when the
            // store was never opened: a start refused before it).
            if (_writeConnection.State == System.Data.ConnectionState.Open)
            {
                Execute(_writeConnection, "CHECKPOINT");
                CompactIfErased();
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Checkpoint or compaction at shutdown failed; the next start replays the WAL and compacts");
        }
        finally
        {
            await _writeConnection.DisposeAsync();
            DisposeIdentityIndex();
            _gate.Release();
        }
    }
}
