using System.Collections.Concurrent;
using System.Diagnostics;
using Footfall.Events;
using Footfall.Storage;
using Microsoft.Extensions.Logging;

namespace Footfall.Recommendations;

/// <summary>
/// The current model of each project. Feeds read the current one without waiting; <see cref="RefreshAsync"/> builds a
/// new one from the store (in the background, after an erasure, or when a test asks) and swaps it in.
/// </summary>
public sealed class RecommendationModels(IEventStore store, RecommendationOptions options, TimeProvider clock, ILogger<RecommendationModels> logger)
{
    private readonly ConcurrentDictionary<string, RecommendationModel> _models = new(StringComparer.Ordinal);
    // One refresh per project at a time: the later refresh then always reads later data, so a slow background
    // refresh can never overwrite a newer model with an older one.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _refreshing = new(StringComparer.Ordinal);

    /// <summary>How long the last refresh of any project took.</summary>
    public TimeSpan LastRefreshDuration { get; private set; }

    /// <summary>
    /// The project's current model. Only a project never refreshed since start builds it here, once; every later
    /// request reads what the background refresh left.
    /// </summary>
    public async ValueTask<RecommendationModel> GetAsync(string projectId, CancellationToken cancellationToken = default) =>
        _models.TryGetValue(projectId, out var model) ? model : await RefreshAsync(projectId, cancellationToken);

    /// <summary>Rebuilds the project's models from everything stored now, and returns the new model.</summary>
    public async Task<RecommendationModel> RefreshAsync(string projectId, CancellationToken cancellationToken = default)
    {
        var gate = _refreshing.GetOrAdd(projectId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var now = EventTime.Now(clock);
            var set = await store.ReadProductInteractionsAsync(projectId, new TimeRange(now.AddDays(-options.HistoryDays), null),
                cancellationToken: cancellationToken);
            var model = RecommendationModel.Build(set, now, options);
            _models[projectId] = model;
            LastRefreshDuration = Stopwatch.GetElapsedTime(started);
            logger.LogDebug("Refreshed recommendations of {Project}: {Interactions} interactions in {Ms} ms",
                projectId, model.InteractionCount, LastRefreshDuration.TotalMilliseconds);
            return model;
        }
        finally
        {
            gate.Release();
        }
    }
}
