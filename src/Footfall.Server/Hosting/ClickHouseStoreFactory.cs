using Footfall.ClickHouse;
using Footfall.Storage;

namespace Footfall.Server.Hosting;

/// <summary>Opens the ClickHouse store (src/Footfall.ClickHouse).</summary>
public static class ClickHouseStoreFactory
{
    /// <summary>
    /// The store for a ClickHouse.Driver style connection string, on one server or on a named cluster, fed by node
    /// <paramref name="nodeId"/>'s log.
    /// </summary>
    public static IEventStore Create(string connectionString, string? cluster, string nodeId, int maxInteractions, ILoggerFactory loggers) =>
        new ClickHouseEventStore(connectionString, loggers.CreateLogger<ClickHouseEventStore>(), cluster: cluster, nodeId: nodeId)
        {
            MaxInteractionsRead = maxInteractions,
        };
}
