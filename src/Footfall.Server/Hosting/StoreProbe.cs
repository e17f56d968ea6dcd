using Footfall.Ingest;
using Footfall.Storage;

namespace Footfall.Server.Hosting;

/// <summary>
/// Keeps <see cref="StoreHealth"/> current when no request does: while the store is down, or quiet for a few
/// seconds, it asks for the project list (a cheap call through the same deadline as every other). A store that
/// broke for good in this process (<see cref="StoreBrokenException"/>), or has applied past the end of the data
/// folder's log (<see cref="Footfall.Log.LogMismatchException"/>), stops the process with a non-zero code.
/// </summary>
public sealed class StoreProbe(IProjectCatalog store, StoreHealth health, StartupWork startup, IIngestWriter writer, FatalStop fatal, ILogger<StoreProbe> logger)
    : BackgroundService
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (writer is LogIngest { Applier.Mismatch: { } mismatch })
                {
                    fatal.Stop(FatalStop.DataFolderRefused, null, mismatch.Message);
                    return;
                }
                if (health.Broken is { } broken)
                {
                    fatal.Stop(FatalStop.StoreFailed, null, $"the store needs a restart: {broken}");
                    return;
                }
                if (!startup.Ready || (health.IsUp && health.SinceLastSuccess < Quiet))
                    continue;
                var wasUp = health.IsUp;
                try
                {
                    await store.ListProjectsAsync(stoppingToken);
                }
                catch (StoreUnavailableException ex)
                {
                    if (wasUp)
                        logger.LogError("The store is unavailable: {Problem}", ex.Message);
                    continue;
                }
                if (!wasUp)
                    logger.LogInformation("The store answers again");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            fatal.Stop(FatalStop.Unexpected, ex, "the store probe failed");
        }
    }
}
