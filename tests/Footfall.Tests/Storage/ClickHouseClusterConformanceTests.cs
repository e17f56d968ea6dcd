using Footfall.ClickHouse;
using Footfall.Storage;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>
/// The conformance suite on a real two-shard ClickHouse cluster (<c>--clickhouse-cluster</c>), one fresh database per
/// test, created and migrated by the store itself; the store talks to the second shard's node, so every answer that
/// needs the first shard's rows goes through the Distributed table.
/// </summary>
[Collection(ClickHouseClusterCollection.Name)]
public sealed class ClickHouseClusterConformanceTests(ClickHouseCluster cluster) : EventStoreConformance
{
    /// <inheritdoc />
    protected override Task<IEventStore> CreateStoreAsync() =>
        Task.FromResult<IEventStore>(new ClickHouseEventStore(cluster.ConnectionString(node: 2), NullLogger<ClickHouseEventStore>.Instance, cluster: ClickHouseCluster.Name));

    /// <inheritdoc />
    protected override int LinkSequences => 12;
}
