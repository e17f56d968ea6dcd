using Footfall.Storage;

namespace Footfall.Server.Hosting;

/// <summary>Opens the ClickHouse store (src/Footfall.ClickHouse).</summary>
public static class ClickHouseStoreFactory
{
    /// <summary>The store for a ClickHouse.Driver connection string.</summary>
    public static IEventStore Create(string connectionString, ILoggerFactory loggers) =>
        throw new NotSupportedException("the ClickHouse store is not built yet");
}
