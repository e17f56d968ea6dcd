using Footfall.ClickHouse;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Recommendations;

/// <summary>The DuckDB store's product_touches and its SQL against the definition.</summary>
public sealed class DuckDbServesTheDefinitionTests : WindowModelAgreesWithDefinition, IDisposable
{
    private readonly TempFolder _folder = new();

    /// <inheritdoc />
    protected override int Histories => 60;

    /// <inheritdoc />
    protected override IEventStore CreateStore() => new DuckDbEventStore(Path.Combine(_folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance);

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}

/// <summary>The ClickHouse store (the definition over its interactions, persons by identifier) against the definition, on a real clickhouse-server.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseServesTheDefinitionTests(ClickHouseServer server) : WindowModelAgreesWithDefinition
{
    /// <inheritdoc />
    protected override int Histories => 20;

    /// <inheritdoc />
    protected override IEventStore CreateStore() => new ClickHouseEventStore(server.ConnectionString(), NullLogger<ClickHouseEventStore>.Instance);
}
