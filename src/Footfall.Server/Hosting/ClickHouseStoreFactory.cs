using Footfall.ClickHouse;
using Footfall.Storage;

namespace Footfall.Server.Hosting;

/// <summary>Opens the ClickHouse store (src/Footfall.ClickHouse).</summary>
public static class ClickHouseStoreFactory
{
    /// <summary>The store for a ClickHouse.Driver style connection string.</summary>
    public static IEventStore Create(string connectionString, ILoggerFactory loggers) =>
        new ClickHouseEventStore(connectionString, loggers.CreateLogger<ClickHouseEventStore>());
}
