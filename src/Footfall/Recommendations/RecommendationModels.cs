using System.Collections.Concurrent;
using System.Diagnostics;
using Footfall.Events;
using Footfall.Storage;
using Microsoft.Extensions.Logging;

namespace Footfall.Recommendations;

/// <summary>
/// The current model of each project. Feeds read the current one without waiting; <see cref="RefreshAsync"/> builds a
/// new one from the store (in the background, or when a test asks) and swaps it in; <see cref="ForgetPerson"/> takes an
/// erased person out of the current model at once.
/// </summary>
public sealed class RecommendationModels(IInteractionSource store, RecommendationOptions options, TimeProvider clock, ILogger<RecommendationModels> logger)
{
    private readonly ConcurrentDictionary<string, RecommendationModel> _models = new(StringComparer.Ordinal);
    // One refresh per project at a time: the later refresh then always reads later data, so a slow background
    // refresh can never overwrite a newer model with an older one.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _refreshing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ErasureLog> _erasures = new(StringComparer.Ordinal);

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
            var erasures = _erasures.GetOrAdd(projectId, _ => new ErasureLog());
            var readAfter = erasures.Begin();
            RecommendationModel model;
            try
            {
                var set = await store.ReadProductInteractionsAsync(projectId, new TimeRange(now.AddDays(-options.HistoryDays), null),
                    cancellationToken: cancellationToken);
                model = erasures.Publish(readAfter, RecommendationModel.Build(set, now, options), m => _models[projectId] = m);
            }
            finally
            {
                erasures.End();
            }
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

    /// <summary>
    /// Takes the person any of <paramref name="identifierKeys"/> belongs to out of the project's current model, and out
    /// of any model a refresh in flight read before the erasure: once this returns, no feed serves anything of theirs.
    /// </summary>
    public void ForgetPerson(string projectId, IReadOnlyCollection<string> identifierKeys) =>
        _erasures.GetOrAdd(projectId, _ => new ErasureLog()).Record(identifierKeys, apply: () =>
        {
            if (_models.TryGetValue(projectId, out var model))
                _models[projectId] = model.WithoutPersons(identifierKeys);
        });

    /// <summary>
    /// The erasures a refresh may have read too early for. A refresh notes the version before it reads the store, and
    /// before its model is swapped in, takes out every person erased since: the store read may predate their erasure.
    /// Erasures are only kept while a refresh is in flight (refreshes of a project run one at a time).
    /// </summary>
    private sealed class ErasureLog
    {
        private readonly List<(long Version, IReadOnlyCollection<string> Keys)> _entries = [];
        private long _version;
        private int _inFlight;

        public long Begin()
        {
            lock (_entries)
            {
                _inFlight++;
                return _version;
            }
        }

        public void End()
        {
            lock (_entries)
            {
                if (--_inFlight == 0)
                    _entries.Clear();
            }
        }

        public void Record(IReadOnlyCollection<string> keys, Action apply)
        {
            lock (_entries)
            {
                _version++;
                if (_inFlight > 0)
                    _entries.Add((_version, keys));
                apply();
            }
        }

        public RecommendationModel Publish(long readAfter, RecommendationModel model, Action<RecommendationModel> swap)
        {
            lock (_entries)
            {
                foreach (var (version, keys) in _entries)
                    if (version > readAfter)
                        model = model.WithoutPersons(keys);
                swap(model);
                return model;
            }
        }
    }
}
