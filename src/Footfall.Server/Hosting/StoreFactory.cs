using Footfall.Storage;
using Footfall.Storage.DuckDb;

namespace Footfall.Server.Hosting;

/// <summary>Opens the store the options name.</summary>
public static class StoreFactory
{
    /// <summary>The DuckDB file's name inside the data folder.</summary>
    public const string DuckDbFile = "footfall.duckdb";

    /// <summary>Creates (not yet initialized) the configured store.</summary>
    public static IEventStore Create(FootfallOptions options, ILoggerFactory loggers)
    {
        DataFolder.Ensure(options.Data);
        if (options.Store == "clickhouse")
            return ClickHouseStoreFactory.Create(options.ClickHouse!, options.ClickHouseCluster, NodeId.LoadOrCreate(options.Data),
                options.ClickHouseMaxInteractions, loggers);
        return new DuckDbEventStore(Path.Combine(options.Data, DuckDbFile), loggers.CreateLogger<DuckDbEventStore>(), memoryLimit: options.DuckDbMemory,
            identityCacheSize: options.IdentityCache);
    }
}
