namespace Footfall.ClickHouse;

/// <summary>One version of the ClickHouse schema: its steps run once, when the database is below <paramref name="Version"/>.</summary>
internal sealed record ClickHouseMigration(int Version, string Name, IReadOnlyList<ClickHouseStep> Steps);

/// <summary>A schema change, written for one server; <see cref="ClickHouseDdl"/> renders it for a server or a cluster.</summary>
internal abstract record ClickHouseStep;

/// <summary>A table: <paramref name="Engine"/> is a MergeTree family engine with its arguments, <paramref name="Layout"/> its PARTITION BY / ORDER BY.</summary>
internal sealed record CreateTable(string Name, string Columns, string Engine, string Layout) : ClickHouseStep;

/// <summary>A column added to a shipped table. 18.16 has no <c>ADD COLUMN IF NOT EXISTS</c>: the migrator asks system.columns first.</summary>
internal sealed record AddColumn(string Table, string Column, string Definition) : ClickHouseStep;

/// <summary>
/// A table ClickHouse keeps from <paramref name="Source"/> by itself, through a materialized view named
/// <paramref name="View"/> (<c>TO</c> the table, so an erasure can delete from it by name): every insert into the
/// source fills it, and the write path does not know it. A view only sees inserts made after it exists, so the step
/// fills the table once from the source's rows when it creates the view. <paramref name="Columns"/> and
/// <paramref name="Where"/> are the view's projection and filter over the source.
/// </summary>
internal sealed record CreateDerivedTable(CreateTable Table, string View, string Source, string Columns, string Where = "") : ClickHouseStep;

/// <summary>
/// A derived table and its view, dropped when another table took over what it was kept for. On a new database the
/// migrator does not create it at all (see <see cref="ClickHouseMigrator"/>).
/// </summary>
internal sealed record DropDerivedTable(string Table, string View) : ClickHouseStep;
