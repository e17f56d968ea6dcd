using System.Collections.Concurrent;
using System.Diagnostics;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Storage;
using Microsoft.Extensions.Logging;

namespace Footfall.Recommendations;

/// <summary>
/// The current model of each project. Feeds read the current one without waiting; <see cref="RefreshAsync"/> reads a
/// new one from the store's aggregates (in the background, or when a test asks) and swaps it in;
/// <see cref="ForgetPersonAsync"/> erases a person, hides them in the model at once and recounts only what they touched
/// behind its answer.
/// </summary>
public sealed class RecommendationModels(IInteractionSource store, RecommendationOptions options, TimeProvider clock, ILogger<RecommendationModels> logger)
    : IDisposable
{
    private readonly ConcurrentDictionary<string, WindowModel> _models = new(StringComparer.Ordinal);
    // One refresh per project at a time: the later refresh then always reads later data, so a slow background
    // refresh can never overwrite a newer model with an older one.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _refreshing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ErasureLog> _erasures = new(StringComparer.Ordinal);
    // The background refresh in flight per project, which an erasure may cancel (ForgetPersonAsync).
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _preemptible = new(StringComparer.Ordinal);
    // Per project, the last of the recounts erasures left behind their answers (ForgetPersonAsync).
    private readonly Dictionary<string, Task> _recounts = new(StringComparer.Ordinal);
    // Per project, the erasures answered since its last recount started (under the lock of _recounts).
    private readonly Dictionary<string, List<ErasedShare>> _unrecounted = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// An erasure (of any project) cancels a background refresh in flight while the model it serves is younger than this;
    /// past it, the erasure shares the cores with the refresh, so erasures one after another can delay a model by this
    /// much at most.
    /// </summary>
    public static readonly TimeSpan PreemptibleFor = TimeSpan.FromMinutes(10);

    /// <summary>How long the last refresh of any project took.</summary>
    public TimeSpan LastRefreshDuration { get; private set; }

    /// <summary>
    /// The project's current model. Only a project never refreshed since start builds it here, once; every later
    /// request reads what the background refresh left.
    /// </summary>
    public async ValueTask<WindowModel> GetAsync(string projectId, CancellationToken cancellationToken = default) =>
        _models.TryGetValue(projectId, out var model) ? model : await RefreshAsync(projectId, onlyIfMissing: true, cancellationToken);

    /// <summary>
    /// Reads the project's models from the store's aggregates now, and returns the new model; or, when an erasure
    /// cancelled the refresh (<see cref="ForgetPersonAsync"/>), the model that was serving then.
    /// </summary>
    public Task<WindowModel> RefreshAsync(string projectId, CancellationToken cancellationToken = default) =>
        RefreshAsync(projectId, onlyIfMissing: false, cancellationToken);

    // A first request that waited for the background refresh takes its model instead of reading the store again.
    private async Task<WindowModel> RefreshAsync(string projectId, bool onlyIfMissing, CancellationToken cancellationToken)
    {
        var gate = _refreshing.GetOrAdd(projectId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (onlyIfMissing && _models.TryGetValue(projectId, out var current))
                return current;
            var started = Stopwatch.GetTimestamp();
            var erasures = _erasures.GetOrAdd(projectId, _ => new ErasureLog());
            // A first build is never cancelled: feeds wait for it.
            using var preempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (!onlyIfMissing)
                _preemptible[projectId] = preempt;
            var readAfter = erasures.Begin();
            WindowModel model;
            try
            {
                var read = await WindowModel.LoadAsync(store, projectId, EventTime.Now(clock), options, preempt.Token);
                model = await erasures.PublishAsync(readAfter, read, m => _models[projectId] = m, preempt.Token);
                // The replaced model's arrays leave holes in the large object heap.
                LargeObjectHeapTrim.ForProcess.Schedule();
            }
            // Whatever the interrupted read threw (the store's deadline turns it into a cancellation).
            catch (Exception) when (preempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested && _models.TryGetValue(projectId, out var serving))
            {
                logger.LogDebug("A refresh of the recommendations of {Project} gave way to an erasure; the next round runs it", projectId);
                return serving;
            }
            finally
            {
                erasures.End();
                _preemptible.TryRemove(new KeyValuePair<string, CancellationTokenSource>(projectId, preempt));
            }
            LastRefreshDuration = Stopwatch.GetElapsedTime(started);
            Ingest.IngestMetrics.ModelRefresh.Record(LastRefreshDuration.TotalSeconds);
            logger.LogDebug("Refreshed recommendations of {Project}: {Interactions} interactions, {Items} items in {Ms} ms",
                projectId, model.InteractionCount, model.ItemCount, LastRefreshDuration.TotalMilliseconds);
            return model;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Erases the person <paramref name="who"/> names with <paramref name="erase"/> (the store's erasure), then hides
    /// them in the project's current model (<see cref="WindowModel.Hiding"/>) and takes them out of any model a refresh
    /// in flight read before the erasure (one it did not cancel, see <see cref="PreemptibleFor"/>): once this returns, no
    /// feed serves anything of theirs. Behind the answer, the items they touched are recounted, never the window
    /// (<see cref="RecountedAsync(string)"/>).
    /// </summary>
    public async Task<T> ForgetPersonAsync<T>(string projectId, Identifier who, Func<Task<T>> erase, CancellationToken cancellationToken = default)
    {
        // Background refreshes in flight give way, of every project: at 100M events one holds both cores for 6-8 s, which
        // the store's deletes need, and the DuckDB store's count lock the recount behind the answer needs (one for all
        // projects); beside one an erasure took 2-5x as long (docs/benchmarks.md section 8). This project's model serving
        // hides the person below and is recounted behind the answer; the refresher's next round reads the store again.
        var now = EventTime.Now(clock);
        foreach (var (project, refresh) in _preemptible)
        {
            if (_models.GetValueOrDefault(project) is not { } model || now - model.BuiltAt >= PreemptibleFor)
                continue;
            try
            {
                await refresh.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // It ended meanwhile.
            }
        }
        var serving = _models.GetValueOrDefault(projectId);
        // What they touched is read before the store forgets it: it names what to recount after (from the serving
        // model's window when it starts earlier; a model swapped in meanwhile starts later, so that covers it too).
        var from = now.AddDays(-options.HistoryDays);
        if (serving is not null && serving.From < from)
            from = serving.From;
        var erased = ErasedShare.Of(await store.ReadPersonTouchesAsync(projectId, who, from, cancellationToken));
        var result = await erase();
        // The model serving hides them at once, under the erasure log's lock as every other change of the model is; the
        // recount of what they touched runs behind the answer: for the most active person at 100M events it took
        // 2.2-2.5 s of a 4.1-4.7 s erasure (docs/benchmarks.md section 8).
        var log = _erasures.GetOrAdd(projectId, _ => new ErasureLog());
        await log.RecordAsync(erased, () =>
        {
            if (_models.TryGetValue(projectId, out var model))
                _models[projectId] = model.Hiding(erased);
        });
        lock (_recounts)
        {
            // Erasures answered before a project's recount starts are recounted together (see RecountAsync).
            if (!_unrecounted.TryGetValue(projectId, out var waiting))
            {
                _unrecounted[projectId] = waiting = [];
                _recounts[projectId] = RecountAsync(_recounts.GetValueOrDefault(projectId, Task.CompletedTask), projectId, log);
            }
            waiting.Add(erased);
        }
        return result;
    }

    /// <summary>
    /// Completes once every erasure of the project answered so far is recounted in its model (or the model dropped):
    /// feeds then serve what the definition gives without the erased persons, not only nothing of theirs.
    /// </summary>
    public Task RecountedAsync(string projectId)
    {
        lock (_recounts)
            return _recounts.GetValueOrDefault(projectId, Task.CompletedTask);
    }

    /// <summary>
    /// Cancels the recounts still behind erasures' answers and completes once none runs: the host calls it before the
    /// store closes. Their models go on hiding the persons until the process ends; the store's compaction at close takes
    /// the erased persons' kept counts.
    /// </summary>
    public async Task StopRecountsAsync()
    {
        await _stopping.CancelAsync();
        Task all;
        lock (_recounts)
            all = Task.WhenAll(_recounts.Values);
        await all;
    }

    // After the project's previous recount, so they swap their models in the order they were hidden; with every erasure
    // of the project answered since that one started, in one recount of what any of them touched (ItemSimilarity.Without
    // takes out any set of persons), so a burst of erasures costs a recount or two, not one each. The store read runs outside the
    // erasure log's lock (an erasure answering meanwhile only hides its person); the swap takes it, and keeps hiding the
    // erasures hidden since. A model that no longer hides them is left alone: a refresh replaced it and took them out
    // itself (ErasureLog.PublishAsync), or the model was dropped. Never throws: a failed link would stop every later
    // recount of the project, and the erasures after it would stay hidden.
    private async Task RecountAsync(Task previous, string projectId, ErasureLog log)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Off the erasure's request: DuckDB runs a read on the calling thread.
        await Task.Yield();
        List<ErasedShare> erased;
        lock (_recounts)
        {
            erased = _unrecounted[projectId];
            _unrecounted.Remove(projectId);
        }
        try
        {
            await RecountAsync(projectId, erased, log);
        }
        catch (Exception ex)
        {
            // The erasure log's lock disposed at the end of the process.
            logger.LogDebug(ex, "A recount of the recommendation model of {Project} ended with the process", projectId);
        }
    }

    private async Task RecountAsync(string projectId, List<ErasedShare> erased, ErasureLog log)
    {
        if (_stopping.IsCancellationRequested || !_models.TryGetValue(projectId, out var snapshot))
            return;
        // A refresh may have replaced the model between two of them: it took out those erased before it.
        erased = erased.Where(snapshot.Hides).ToList();
        if (erased.Count == 0)
            return;
        WindowModel? recounted = null;
        Exception? failed = null;
        try
        {
            recounted = await snapshot.WithoutAsync(ErasedShare.Of(erased), _stopping.Token);
        }
        catch (Exception ex)
        {
            failed = ex;
        }
        if (_stopping.IsCancellationRequested)
            return;
        await log.RecordAsync(erased: null, () =>
        {
            // The model serving hides all of them or none: since the snapshot, only hidings (which add) and refreshes
            // (which hide nothing erased before they published) replaced it.
            if (!_models.TryGetValue(projectId, out var current) || !erased.TrueForAll(current.Hides))
                return;
            if (recounted is not null)
            {
                _models[projectId] = WindowModel.Recounted(recounted, current, erased);
                LargeObjectHeapTrim.ForProcess.Schedule();
                return;
            }
            // Hiding serves less than the definition for what they touched, until a recount: without a model, the next feed
            // request builds one from the store, which no longer holds the person.
            _models.TryRemove(projectId, out _);
            logger.LogWarning(failed, "Could not recount the recommendation model of {Project} without erased persons: the model is dropped and built again from the store on the next feed request",
                projectId);
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Not disposed: a recount still running reads it. It holds no timer.
        _stopping.Cancel();
        foreach (var log in _erasures.Values)
            log.Dispose();
        foreach (var gate in _refreshing.Values)
            gate.Dispose();
    }

    /// <summary>
    /// The erasures a refresh may have read too early for. A refresh notes the version before it reads the store, and
    /// before its model is swapped in, recounts the items of every person erased since: the store read may predate
    /// their erasure. Erasures are only kept while a refresh is in flight (refreshes of a project run one at a time).
    /// </summary>
    private sealed class ErasureLog : IDisposable
    {
        private readonly SemaphoreSlim _lock = new(1, 1);
        private readonly List<(long Version, ErasedShare Erased)> _entries = [];
        private long _version;
        private int _inFlight;

        public void Dispose() => _lock.Dispose();

        public long Begin()
        {
            _lock.Wait();
            try
            {
                _inFlight++;
                return _version;
            }
            finally
            {
                _lock.Release();
            }
        }

        public void End()
        {
            _lock.Wait();
            try
            {
                if (--_inFlight == 0)
                    _entries.Clear();
            }
            finally
            {
                _lock.Release();
            }
        }

        // Not cancellable: once the store erased the person, a refresh in flight must learn of it whatever the caller does.
        // A recount's swap records no erasure.
        public async Task RecordAsync(ErasedShare? erased, Action apply)
        {
            await _lock.WaitAsync();
            try
            {
                if (erased is not null)
                {
                    _version++;
                    if (_inFlight > 0)
                        _entries.Add((_version, erased));
                }
                apply();
            }
            finally
            {
                _lock.Release();
            }
        }

        public async Task<WindowModel> PublishAsync(long readAfter, WindowModel model, Action<WindowModel> swap, CancellationToken cancellationToken)
        {
            await _lock.WaitAsync(cancellationToken);
            try
            {
                foreach (var (version, erased) in _entries)
                    if (version > readAfter)
                        model = await model.WithoutAsync(erased, cancellationToken);
                swap(model);
                return model;
            }
            finally
            {
                _lock.Release();
            }
        }
    }
}
