using Footfall.ClickHouse;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Analytics.Definitions;

/// <summary>The DuckDB store (its results rollups, kept by the synchronous commit) against the definitions.</summary>
public sealed class DuckDbAgreesWithDefinitionsTests : StoreAgreesWithDefinitions, IDisposable
{
    private readonly TempFolder _folder = new();

    /// <inheritdoc />
    protected override int Histories => 30;

    /// <inheritdoc />
    protected override bool Reopens => true;

    /// <inheritdoc />
    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new DuckDbEventStore(Path.Combine(_folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance));

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}

/// <summary>The ClickHouse store (SQL over raw events) against the definitions, on a real clickhouse-server.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseAgreesWithDefinitionsTests(ClickHouseServer server) : StoreAgreesWithDefinitions
{
    /// <inheritdoc />
    protected override int Histories => 20;

    /// <inheritdoc />
    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new ClickHouseEventStore(server.ConnectionString(), NullLogger<ClickHouseEventStore>.Instance));
}

/// <summary>
/// The ClickHouse store fed through its log applier, which keeps the attributed conversions after each batch (schema
/// version 6): results read from them equal the definitions, also when the experience is saved after its events
/// (derived over the stored events) and when links join a guest's impressions to a user's purchases later.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseApplierAgreesWithDefinitionsTests(ClickHouseServer server) : StoreAgreesWithDefinitions
{
    private readonly ApplierFeed _feed = new();
    private readonly string _connectionString = server.ConnectionString();

    /// <inheritdoc />
    protected override int Histories => 20;

    /// <inheritdoc />
    protected override bool Reopens => true;

    /// <inheritdoc />
    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new ClickHouseEventStore(_connectionString, NullLogger<ClickHouseEventStore>.Instance, nodeId: "n1"));

    /// <inheritdoc />
    protected override Task WriteAsync(IEventStore store, IReadOnlyList<ProjectWrite> writes) => _feed.ApplyAsync((ILogSink)store, writes);
}
