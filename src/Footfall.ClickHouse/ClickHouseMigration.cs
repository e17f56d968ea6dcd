namespace Footfall.ClickHouse;

/// <summary>One version of the ClickHouse schema: its steps run once, when the database is below <paramref name="Version"/>.</summary>
internal sealed record ClickHouseMigration(int Version, string Name, IReadOnlyList<ClickHouseStep> Steps);

/// <summary>A schema change, written for one server; <see cref="ClickHouseDdl"/> renders it for a server or a cluster.</summary>
internal abstract record ClickHouseStep;

/// <summary>A table: <paramref name="Engine"/> is a MergeTree family engine with its arguments, <paramref name="Layout"/> its PARTITION BY / ORDER BY.</summary>
internal sealed record CreateTable(string Name, string Columns, string Engine, string Layout) : ClickHouseStep;

/// <summary>A column added to a shipped table. 18.16 has no <c>ADD COLUMN IF NOT EXISTS</c>: the migrator asks system.columns first.</summary>
internal sealed record AddColumn(string Table, string Column, string Definition) : ClickHouseStep;
