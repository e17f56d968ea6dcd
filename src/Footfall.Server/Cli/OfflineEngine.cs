using DuckDB.NET.Data;
using Footfall.Ingest;
using Footfall.Log;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Storage.DuckDb;

namespace Footfall.Server.Cli;

/// <summary>
/// The engine without the web server, on the data folder's DuckDB file, for commands run while no server
/// holds the file. When a server does, it says so and names the --server alternative.
/// </summary>
public sealed class OfflineEngine : IAsyncDisposable
{
    private OfflineEngine(IEventStore store, LogIngest writer)
    {
        Store = store;
        Writer = writer;
        Projects = new ProjectDirectory(store, TimeProvider.System);
        Pipeline = new IngestPipeline(writer, new ActionPolicies(store, TimeProvider.System), store, TimeProvider.System);
    }

    /// <summary>The opened store.</summary>
    public IEventStore Store { get; }

    /// <summary>Finds and creates projects.</summary>
    public ProjectDirectory Projects { get; }

    /// <summary>The ingest pipeline, committing to the store.</summary>
    public IngestPipeline Pipeline { get; }

    private LogIngest Writer { get; }

    /// <summary>Opens the data folder's store, with DuckDB's buffer <paramref name="duckDbMemory"/> (its default when null).</summary>
    public static async Task<OfflineEngine> OpenAsync(string dataFolder, string? duckDbMemory = null)
    {
        Hosting.DataFolder.Ensure(dataFolder);
        // Warnings and errors go to stderr, so a failed import says what failed.
        var loggers = LoggerFactory.Create(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        var store = new DuckDbEventStore(Path.Combine(dataFolder, Hosting.StoreFactory.DuckDbFile), loggers.CreateLogger<DuckDbEventStore>(),
            memoryLimit: duckDbMemory);
        try
        {
            await store.InitializeAsync();
        }
        catch (DuckDBException ex) when (ex.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"a running Footfall server holds {dataFolder}; pass --server http://HOST:PORT to go through it");
        }
        // The same log-first path as the server, so that the key index knows every key the store holds.
        LogIngest writer;
        try
        {
            writer = LogIngest.Open(dataFolder, store, store, new IngestOptions(), new LogIngestOptions(), loggers);
        }
        catch (LogMismatchException)
        {
            await store.DisposeAsync();
            throw;
        }
        writer.Start();
        var engine = new OfflineEngine(store, writer);
        // Nothing is appended before the applier has found the store's place in the log (the store may be past its end).
        await writer.Applier.Started;
        if (writer.Applier.StoppedBy is LogMismatchException mismatch)
        {
            await engine.DisposeAsync();
            throw mismatch;
        }
        return engine;
    }

    /// <summary>
    /// Waits until the store holds every entry appended so far (see <see cref="LogApplier.WaitAllAppliedAsync"/>): an
    /// import is done when its events can be queried, not only when they are durable.
    /// </summary>
    public Task<bool> WaitAppliedAsync(Action<long> bytesLeft) => Writer.Applier.WaitAllAppliedAsync(Writer.DurablePosition, bytesLeft);

    /// <summary>What applies the log to the store (whether it is refused, and why).</summary>
    public LogApplier Applier => Writer.Applier;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        await Store.DisposeAsync();
    }
}
