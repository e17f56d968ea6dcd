using System.Diagnostics;
using Footfall.Ingest;
using Footfall.Recommendations;
using Footfall.Storage;

namespace Footfall.Server.Hosting;

/// <summary>
/// Keeps every project's recommendation models fresh and writes served responses: each second it flushes the
/// response log, and every <see cref="RecommendationOptions.RefreshSeconds"/> (at least four times the last
/// refresh's duration) it rebuilds each project's models. Ingest comes first: while the log's applier works off a
/// backlog, a round waits (see <see cref="Due"/>). A store failure never ends this loop (nor the process):
/// the previous models keep serving and the next round waits longer, doubling up to <see cref="MaxBackoff"/>.
/// </summary>
public sealed class RecommendationRefresher(IProjectCatalog store, RecommendationModels models, ServedResponseLog log, StartupWork startup,
    IIngestWriter writer, RecommendationOptions options, FatalStop fatal, ILogger<RecommendationRefresher> logger) : BackgroundService
{
    /// <summary>The longest wait between rounds while the store keeps failing.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    /// <summary>How far the applier may be behind (the age of its oldest unapplied entry) before a round waits for it.</summary>
    public static readonly TimeSpan Backlog = TimeSpan.FromSeconds(1);

    /// <summary>The longest a round waits for the applier's backlog after the last round (or the start).</summary>
    public static readonly TimeSpan MaxDeferral = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Whether a round that is due by its schedule runs now. A round at 100M events holds both cores for over a minute
    /// and halved the applier's rate beside it (docs/benchmarks.md section 8), so while the applier is more than
    /// <see cref="Backlog"/> behind the round waits, up to <see cref="MaxDeferral"/> since the last one: a flood or a
    /// bulk load gets the cores, and models are never older than that bound plus a round.
    /// </summary>
    public static bool Due(TimeSpan applierBehind, TimeSpan sinceLastRound) => applierBehind <= Backlog || sinceLastRound >= MaxDeferral;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        // The first round waits one interval too, so a load that starts with the server is seen as a backlog before it
        // (a feed asked for earlier builds its model itself).
        var lastRound = Stopwatch.GetTimestamp();
        var nextRefresh = lastRound + (long)(options.RefreshSeconds * Stopwatch.Frequency);
        var backoff = TimeSpan.Zero;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await log.FlushAsync(stoppingToken);
                if (options.RefreshSeconds <= 0 || !startup.Ready || Stopwatch.GetTimestamp() < nextRefresh)
                    continue;
                var behind = TimeSpan.FromSeconds(writer is LogIngest ingest ? ingest.Applier.LagSeconds : 0);
                if (!Due(behind, Stopwatch.GetElapsedTime(lastRound)))
                    continue;
                var started = Stopwatch.GetTimestamp();
                TimeSpan wait;
                try
                {
                    await RefreshAllAsync(stoppingToken);
                    backoff = TimeSpan.Zero;
                    wait = TimeSpan.FromSeconds(Math.Max(options.RefreshSeconds, 4 * Stopwatch.GetElapsedTime(started).TotalSeconds));
                }
                catch (StoreUnavailableException ex)
                {
                    backoff = backoff == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
                    wait = backoff;
                    logger.LogError("Refreshing recommendation models failed, retrying in {Backoff}: {Problem}", backoff, ex.Message);
                }
                lastRound = Stopwatch.GetTimestamp();
                nextRefresh = lastRound + (long)(wait.TotalSeconds * Stopwatch.Frequency);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            fatal.Stop(FatalStop.Unexpected, ex, "the recommendation refresher failed");
            return;
        }
        // Served responses queued since the last tick are written before the store closes, and no erasure's recount
        // reads it then.
        await log.FlushAsync(CancellationToken.None);
        await models.StopRecountsAsync();
    }

    private async Task RefreshAllAsync(CancellationToken stoppingToken)
    {
        foreach (var project in await store.ListProjectsAsync(stoppingToken))
        {
            try
            {
                await models.RefreshAsync(project.Id, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The previous model keeps serving; the next round tries again. Only the type and the stack are logged:
                // a store's message can quote the row it failed on, and rows hold people's data.
                // A StoreLimitException's message names a setting, and no data.
                logger.LogError("Refreshing the recommendation models of {Project} failed with {ErrorType}{Limit}{StackTrace}",
                    project.Id, ex.GetType().FullName, ex is StoreLimitException ? ": " + ex.Message : "", ex.StackTrace);
            }
        }
    }
}
