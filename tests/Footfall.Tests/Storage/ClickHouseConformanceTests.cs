using Footfall.ClickHouse;
using Footfall.Storage;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>The conformance suite on a real clickhouse-server, one fresh database per test.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseConformanceTests(ClickHouseServer server) : EventStoreConformance
{
    /// <inheritdoc />
    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new ClickHouseEventStore(server.ConnectionString(), NullLogger<ClickHouseEventStore>.Instance));

    /// <inheritdoc />
    /// <remarks>Each step is several round trips to the server: fewer sequences than on DuckDB, the same rule.</remarks>
    protected override int LinkSequences => 12;
}
