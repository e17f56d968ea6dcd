using Footfall.Ingest;
using Footfall.Log;
using Footfall.Projects;
using Footfall.Server.Demo;
using Footfall.Storage;
using Footfall.Storage.Deadlines;
using Microsoft.Extensions.Options;

namespace Footfall.Server.Hosting;

/// <summary>
/// Opens the store before the server listens, then creates the default project and loads the demo. <c>/healthz</c>
/// answers 200 only once this has finished.
/// </summary>
public sealed class StartupWork(IEventStore store, StoreDeadline deadline, IProjectCatalog catalog, ProjectDirectory projects, IngestPipeline pipeline,
    IIngestWriter writer, IOptions<FootfallOptions> options, TimeProvider clock, ILogger<StartupWork> logger) : IHostedService
{
    /// <summary>Whether the server accepts events.</summary>
    public bool Ready { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await deadline.ScanAsync(nameof(IEventStore.InitializeAsync), store.InitializeAsync, cancellationToken);
        if (writer is LogIngest ingest)
        {
            ingest.Start();
            // The store's place in the log is known at once unless the store is away (ClickHouse): a store past the log's
            // end refuses the start before anything is acknowledged; found later, StoreProbe stops the process.
            await Task.WhenAny(ingest.Applier.Started, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken));
            if (ingest.Applier.StoppedBy is LogMismatchException mismatch)
                throw mismatch;
        }
        var o = options.Value;
        if (o.AdminToken is null || o.Demo)
        {
            var keys = await DefaultProject.EnsureAsync(o.Data, projects, logger);
            Console.WriteLine($"Footfall project 'default': id {keys.Id}  secret key {keys.SecretKey}");
            if (o.Demo)
                await DemoShop.LoadOnceAsync(catalog, pipeline, keys.Id, clock, logger, cancellationToken);
        }
        Ready = true;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Ready = false;
        return Task.CompletedTask;
    }
}
