using Microsoft.Extensions.Logging;
using static Footfall.ClickHouse.ClickHouseSql;

namespace Footfall.ClickHouse;

/// <summary>
/// Brings a database to the newest schema. ClickHouse has no transactions, so each step is idempotent and the
/// version row is written after a migration's last step: a crash between them, or two nodes starting at once,
/// replays steps that are already done, which changes nothing.
/// </summary>
internal sealed class ClickHouseMigrator(ClickHouseHttp http, ClickHouseShards shards, ClickHouseDdl ddl, string database, ILogger logger)
{
    private static readonly CreateTable Versions = new("schema_versions", "version UInt32, name String, applied_ms Int64", "MergeTree", "ORDER BY version");

    /// <summary>Applies <paramref name="migrations"/> (ordered by version) that the database has not had yet.</summary>
    /// <exception cref="Storage.StoreVersionException">The database is newer than the last of <paramref name="migrations"/>.</exception>
    public async Task MigrateAsync(IReadOnlyList<ClickHouseMigration> migrations, CancellationToken cancellationToken)
    {
        await http.ExecuteAsync(ddl.CreateDatabase(), cancellationToken, inDatabase: false);
        await ApplyAsync(Versions, cancellationToken);
        var stored = (int)ClickHouseEventStore.Long((await http.QueryAsync("SELECT max(version) FROM schema_versions", cancellationToken))[0][0]);
        var latest = migrations[^1].Version;
        if (stored > latest)
            throw new Storage.StoreVersionException(stored, latest);
        var pending = migrations.Where(m => m.Version > stored).ToList();
        var existing = (await http.QueryAsync($"SELECT name FROM system.tables WHERE database = {Quote(database)}", cancellationToken))
            .Select(r => r[0]!).ToHashSet(StringComparer.Ordinal);
        var added = pending.SelectMany(m => m.Steps).OfType<AddColumn>().ToList();
        // A derived table a later migration of this run drops is not made and filled only to be dropped, and a drop runs
        // only where the view or the table that holds the rows is there (its local table goes last, so a drop a crash
        // cut short still finds it): on a new cluster each skipped statement is an ON CLUSTER DDL less.
        var dropped = pending.SelectMany(m => m.Steps).OfType<DropDerivedTable>().Select(d => d.Table).ToHashSet(StringComparer.Ordinal);
        var needed = (ClickHouseStep step) => step switch
        {
            CreateDerivedTable d => !dropped.Contains(d.Table.Name),
            DropDerivedTable d => existing.Contains(d.View) || existing.Contains(ddl.LocalTable(d.Table)),
            _ => true,
        };
        foreach (var migration in pending)
        {
            foreach (var step in migration.Steps.Where(needed))
                await ApplyAsync(step is CreateTable table && !existing.Contains(table.Name) ? WithAddedColumns(table, added) : step, cancellationToken);
            await http.InsertAsync("schema_versions", "version, name, applied_ms", ClickHouseEventStore.Row(
                ClickHouseEventStore.Num(migration.Version), migration.Name, ClickHouseEventStore.Num(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())), cancellationToken);
            logger.LogInformation("ClickHouse schema migrated to version {Version}: {Name}", migration.Version, migration.Name);
        }
    }

    // A table this run creates is created with the columns later steps add, which then find them and do nothing: a new
    // database runs no ALTER (on a cluster, one statement per shard less for each column). Upgrades still ALTER.
    private static CreateTable WithAddedColumns(CreateTable table, List<AddColumn> added) =>
        table with { Columns = table.Columns + string.Concat(added.Where(a => a.Table == table.Name).Select(a => $", {a.Column} {a.Definition}")) };

    private async Task ApplyAsync(ClickHouseStep step, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case CreateTable table:
                foreach (var sql in ddl.Create(table))
                    await http.ExecuteAsync(sql, cancellationToken);
                break;
            case CreateDerivedTable derived:
                await ApplyAsync(derived.Table, cancellationToken);
                await http.ExecuteAsync(ddl.CreateView(derived), cancellationToken);
                // Filled whenever the step runs, also when a crash (or another node starting at once) left the view made
                // and the fill undone: rows that arrive twice change nothing, every derived table is read with a rule a
                // duplicate does not change (argMax, uniqExact(eid), LIMIT 1 BY eid).
                await http.ExecuteAsync(ddl.Backfill(derived), cancellationToken, insertInto: derived.Table.Name);
                break;
            case DropDerivedTable derived:
                foreach (var sql in ddl.Drop(derived))
                    await http.ExecuteAsync(sql, cancellationToken);
                break;
            case AddColumn column when !await HasColumnAsync(column, cancellationToken):
                // One statement at a time: after an ALTER another node (or a crash before the Distributed table was made
                // again) already did, the rest of the step still runs.
                foreach (var statement in ddl.Add(column))
                    await shards.ExecuteAsync(statement, cancellationToken, ex => ex.Message.Contains("already exists", StringComparison.Ordinal));
                break;
        }
    }

    // The Distributed table is altered after the local one: a column on it means the step completed.
    private async Task<bool> HasColumnAsync(AddColumn column, CancellationToken cancellationToken) =>
        (await http.QueryAsync(
            $"SELECT 1 FROM system.columns WHERE database = {Quote(database)} AND table = {Quote(column.Table)} AND name = {Quote(column.Column)}",
            cancellationToken)).Count > 0;
}
