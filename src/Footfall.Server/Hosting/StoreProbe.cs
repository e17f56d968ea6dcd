using Footfall.Ingest;
using Footfall.Log;
using Footfall.Storage;

namespace Footfall.Server.Hosting;

/// <summary>
/// Keeps <see cref="StoreHealth"/> current when no request does: while the store is down, or quiet for a few
/// seconds, it asks for the project list (a cheap call through the same deadline as every other). A store that
/// broke for good in this process (<see cref="StoreBrokenException"/>), or a log applier that stopped (the store past
/// the end of the data folder's log, a damaged log, a bug), stops the process with a non-zero code.
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
                if (health.Broken is { } broken)
                {
                    fatal.Stop(FatalStop.StoreFailed, null, $"the store needs a restart: {broken}");
                    return;
                }
                if (writer is LogIngest { Applier.StoppedBy: { } stopped })
                {
                    // A log the store cannot continue from (past its end, or damaged) needs the operator; anything else is a bug.
                    if (stopped is LogMismatchException or InvalidDataException)
                        fatal.Stop(FatalStop.DataFolderRefused, null, stopped.Message);
                    else
                        fatal.Stop(FatalStop.Unexpected, stopped, "the log applier stopped");
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
