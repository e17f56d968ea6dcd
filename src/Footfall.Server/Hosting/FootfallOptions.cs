namespace Footfall.Server.Hosting;

/// <summary>How <c>footfall serve</c> runs: configuration section <c>Footfall</c>, or the command line.</summary>
public sealed class FootfallOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Footfall";

    /// <summary>The data folder (<c>--data</c>): the DuckDB file, the default project's keys.</summary>
    public string Data { get; set; } = "data";

    /// <summary>Which store (<c>--store</c>): <c>duckdb</c> (embedded, the default) or <c>clickhouse</c>.</summary>
    public string Store { get; set; } = "duckdb";

    /// <summary>The ClickHouse connection string (<c>--clickhouse</c>), when <see cref="Store"/> is clickhouse.</summary>
    public string? ClickHouse { get; set; }

    /// <summary>
    /// A cluster of the ClickHouse server's <c>remote_servers</c> (<c>--clickhouse-cluster</c>): the store creates and
    /// migrates its tables ON CLUSTER, shards events over it and erases on every node.
    /// </summary>
    public string? ClickHouseCluster { get; set; }

    /// <summary>
    /// The most product interactions a ClickHouse node reads into memory at once (configuration only, default 500,000):
    /// the feed performance report over a range holding more answers 503 naming this bound instead of exhausting
    /// memory. Models are computed in ClickHouse and do not read interactions.
    /// </summary>
    public int ClickHouseMaxInteractions { get; set; } = Footfall.ClickHouse.ClickHouseEventStore.DefaultMaxInteractionsRead;

    /// <summary>DuckDB's buffer memory limit (<c>--duckdb-memory</c>, default 384MB, e.g. <c>2GB</c>); the file may be larger.</summary>
    public string DuckDbMemory { get; set; } = Footfall.Storage.DuckDb.DuckDbEventStore.DefaultMemoryLimit;

    /// <summary>
    /// Identifiers the DuckDB writer caches (<c>--identity-cache</c>, default 200,000, ~250 bytes each); past it the
    /// cache is emptied and refilled from the file as batches name identifiers again.
    /// </summary>
    public int IdentityCache { get; set; } = Footfall.Storage.DuckDb.DuckDbEventStore.DefaultIdentityCacheSize;

    /// <summary>Load the demo shop into the default project at first start (<c>--demo</c>).</summary>
    public bool Demo { get; set; }

    /// <summary>The admin token (env <c>FOOTFALL_ADMIN_TOKEN</c>); when set, projects are made through the admin API.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Throws with a message naming the bad option.</summary>
    public void Validate()
    {
        if (Store is not ("duckdb" or "clickhouse"))
            throw new ArgumentException($"--store must be 'duckdb' or 'clickhouse', not '{Store}'");
        if (Store == "clickhouse" && string.IsNullOrWhiteSpace(ClickHouse))
            throw new ArgumentException("--store clickhouse needs --clickhouse \"Host=...;Port=8123;Username=default;Database=footfall\"");
        if (ClickHouseCluster is not null && Store != "clickhouse")
            throw new ArgumentException("--clickhouse-cluster needs --store clickhouse");
        if (!Footfall.Storage.DuckDb.DuckDbEventStore.IsMemoryLimit(DuckDbMemory))
            throw new ArgumentException($"--duckdb-memory must look like 512MB or 2GB, not '{DuckDbMemory}'");
        if (ClickHouseMaxInteractions < 1)
            throw new ArgumentException($"Footfall:ClickHouseMaxInteractions must be at least 1, not {ClickHouseMaxInteractions}");
        if (IdentityCache < 1)
            throw new ArgumentException($"--identity-cache must be at least 1, not {IdentityCache}");
        if (string.IsNullOrWhiteSpace(Data))
            throw new ArgumentException("--data must name a folder");
    }
}
