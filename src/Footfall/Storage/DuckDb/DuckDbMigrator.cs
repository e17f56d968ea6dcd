using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;

namespace Footfall.Storage.DuckDb;

/// <summary>
/// Brings a database to the newest schema: each migration above the stored version runs in one transaction with the
/// row that records it, so a crash or a failing statement leaves the database at the version before, never between.
/// </summary>
internal static class DuckDbMigrator
{
    /// <summary>Applies <paramref name="migrations"/> (ordered by version) that the database has not had yet.</summary>
    /// <exception cref="StoreVersionException">The database is newer than the last of <paramref name="migrations"/>.</exception>
    public static void Migrate(DuckDBConnection connection, IReadOnlyList<DuckDbMigration> migrations, ILogger logger)
    {
        // One row per applied version, so the history says when each ran; the highest is the schema's version.
        DuckDbEventStore.Execute(connection, "CREATE TABLE IF NOT EXISTS schema_versions (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)");
        var stored = DuckDbEventStore.Scalar<int>(connection, "SELECT coalesce(max(version), 0) FROM schema_versions");
        var latest = migrations[^1].Version;
        if (stored > latest)
            throw new StoreVersionException(stored, latest);
        foreach (var migration in migrations.Where(m => m.Version > stored))
        {
            using var transaction = connection.BeginTransaction();
            DuckDbEventStore.Execute(connection, migration.Sql);
            DuckDbEventStore.Execute(connection, "INSERT INTO schema_versions VALUES ($v, $n, now())", ("v", migration.Version), ("n", migration.Name));
            transaction.Commit();
            logger.LogInformation("Schema migrated to version {Version}: {Name}", migration.Version, migration.Name);
        }
    }
}
