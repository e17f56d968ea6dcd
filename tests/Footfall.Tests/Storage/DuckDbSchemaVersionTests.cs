using DuckDB.NET.Data;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>The embedded store's schema versions: each migration once, all or nothing, and no downgrade.</summary>
public sealed class DuckDbSchemaVersionTests
{
    [Fact]
    public async Task A_new_database_is_at_the_latest_version_with_one_row_per_migration()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "f.duckdb");
        await using (var store = new DuckDbEventStore(path, NullLogger<DuckDbEventStore>.Instance))
            await store.InitializeAsync();

        Assert.Equal(DuckDbSchema.Migrations.Select(m => m.Version), Versions(path));
    }

    [Fact]
    public void Each_migration_runs_once_however_often_the_database_is_opened()
    {
        using var folder = new TempFolder();
        using var connection = Open(Path.Combine(folder.Path, "f.duckdb"));
        // Not idempotent on purpose: a second run would fail on the CREATE and count two rows.
        DuckDbMigration[] migrations = [new(1, "once", "CREATE TABLE once (x INTEGER); INSERT INTO once VALUES (1)")];

        DuckDbMigrator.Migrate(connection, migrations, NullLogger.Instance);
        DuckDbMigrator.Migrate(connection, migrations, NullLogger.Instance);

        Assert.Equal(1L, DuckDbEventStore.Scalar<long>(connection, "SELECT count(*) FROM once"));
    }

    [Fact]
    public void A_failing_migration_leaves_the_database_at_the_version_before_it()
    {
        using var folder = new TempFolder();
        using var connection = Open(Path.Combine(folder.Path, "f.duckdb"));
        DuckDbMigration[] migrations =
        [
            new(1, "good", "CREATE TABLE first (x INTEGER)"),
            new(2, "fails half way", "CREATE TABLE second (x INTEGER); INSERT INTO second VALUES (1); INSERT INTO missing VALUES (1)"),
        ];

        Assert.ThrowsAny<DuckDBException>(() => DuckDbMigrator.Migrate(connection, migrations, NullLogger.Instance));

        Assert.Equal(1, DuckDbEventStore.Scalar<int>(connection, "SELECT max(version) FROM schema_versions"));
        Assert.Equal(0L, DuckDbEventStore.Scalar<long>(connection, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'second'"));
        // Fixed, it applies on the next open.
        migrations[1] = new(2, "fixed", "CREATE TABLE second (x INTEGER)");
        DuckDbMigrator.Migrate(connection, migrations, NullLogger.Instance);
        Assert.Equal(2, DuckDbEventStore.Scalar<int>(connection, "SELECT max(version) FROM schema_versions"));
    }

    [Fact]
    public async Task A_database_from_a_newer_Footfall_refuses_to_open_and_the_server_exits_2_saying_why()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "footfall.duckdb");
        await using (var store = new DuckDbEventStore(path, NullLogger<DuckDbEventStore>.Instance))
            await store.InitializeAsync();
        using (var connection = Open(path))
            DuckDbEventStore.Execute(connection, "INSERT INTO schema_versions VALUES ($v, 'from the future', now())", ("v", DuckDbSchema.Latest + 1));

        await using (var store = new DuckDbEventStore(path, NullLogger<DuckDbEventStore>.Instance))
        {
            var refused = await Assert.ThrowsAsync<StoreVersionException>(() => store.InitializeAsync());
            Assert.Equal((DuckDbSchema.Latest + 1, DuckDbSchema.Latest), (refused.Stored, refused.Known));
        }

        var (exitCode, stderr, _) = await ServerProcess.RunToExitAsync(folder.Path);
        Assert.Equal(2, exitCode);
        Assert.Contains($"the store has schema version {DuckDbSchema.Latest + 1}, but this Footfall knows versions up to {DuckDbSchema.Latest}", stderr);
        // Refusing changed nothing: the newer binary still finds its version.
        Assert.Equal(DuckDbSchema.Latest + 1, Versions(path).Max());
    }

    private static DuckDBConnection Open(string path)
    {
        var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        return connection;
    }

    private static List<int> Versions(string path)
    {
        using var connection = Open(path);
        using var reader = DuckDbEventStore.Query(connection, "SELECT version FROM schema_versions ORDER BY version");
        var versions = new List<int>();
        while (reader.Read())
            versions.Add(reader.GetInt32(0));
        return versions;
    }
}
