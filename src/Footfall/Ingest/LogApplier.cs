using System.Diagnostics;
using Footfall.Log;
using Footfall.Storage;
using Microsoft.Extensions.Logging;

namespace Footfall.Ingest;

/// <summary>
/// The one writer of the store when ingest is log-first: follows the log from the store's applied position, groups
/// entries into large store transactions and publishes the position it has applied, which reads wait for
/// (read-your-writes). It also truncates the log behind itself and the key index.
/// </summary>
public sealed class LogApplier : IDisposable
{
    private readonly SegmentLog _log;
    private readonly ILogSink _sink;
    private readonly Func<long> _keyCheckpoint;
    private readonly LogIngestOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    // About ten thousand events of typical size: past it the applier does not wait out the store's apply interval.
    private const long FullBatchBytes = 2L << 20;
    private readonly Lock _gate = new();
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Completed when a reader starts waiting: the applier stops waiting out the store's apply interval.
    private TaskCompletionSource _hurry = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static readonly TimeSpan StallBound = TimeSpan.FromSeconds(2);
    // The current batch's failed attempts and the last one's error; null once an attempt succeeds (the applier is
    // failing while it is set).
    private ApplyProblem? _problem;
    private long _applyStarted;
    private long _applied = -1;
    // (durable log position, when) sampled at each publish. A sample the applier has passed says everything acknowledged
    // by its time is applied, so what is not was acknowledged after the newest passed sample: _passedAt bounds the age
    // of the oldest unapplied entry, to within one batch, however steadily new entries arrive behind it.
    private readonly Queue<(long Durable, long At)> _durableSamples = new();
    private long _passedAt = Stopwatch.GetTimestamp();
    private long _lastSampled;
    private bool _caughtUp;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    // Link refusals per entry (by the position after it), decided by the store, kept until the writer that waits for
    // the entry takes them. Only entries with a refusal are kept; a replay after a restart may leave a few unclaimed.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, int> _refusedLinks = new();

    /// <summary>Creates the applier; <see cref="Start"/> begins applying once the store is open.</summary>
    /// <param name="keyCheckpoint">Makes the key index durable and returns its position: the log is truncated below it only.</param>
    public LogApplier(SegmentLog log, ILogSink sink, Func<long> keyCheckpoint, LogIngestOptions options, ILogger<LogApplier> logger)
    {
        _log = log;
        _sink = sink;
        _keyCheckpoint = keyCheckpoint;
        _options = options;
        _logger = logger;
    }

    /// <summary>The log position up to which every entry is in the store (-1 before the applier has started).</summary>
    public long AppliedPosition
    {
        get
        {
            lock (_gate) return _applied;
        }
    }

    /// <summary>
    /// Whether the store is away for the applier: its last attempt failed, or the current one has run past
    /// <see cref="StallBound"/>. Nothing waits for the applier then (reads, link answers).
    /// </summary>
    public bool IsFailing
    {
        get
        {
            var started = Interlocked.Read(ref _applyStarted);
            return Volatile.Read(ref _problem) is not null || started != 0 && Stopwatch.GetElapsedTime(started) > StallBound;
        }
    }

    /// <summary>
    /// Why the store refused the entries the applier is trying now (the last attempt's error, with how many attempts
    /// failed), or null once an attempt succeeds. A store that answers can still refuse every batch (DuckDB out of
    /// memory refused each apply of a 32M-event file, under a 512 MB limit, while its probe passed), so this, not
    /// only the store's probe, says whether acknowledged events reach it.
    /// </summary>
    public string? Problem => Volatile.Read(ref _problem) is { } problem ? $"{problem.Attempts} attempts failed, the last: {problem.Error}" : null;

    /// <summary>How many attempts at the current batch failed in a row (0 when the last one succeeded).</summary>
    public int FailedAttempts => Volatile.Read(ref _problem)?.Attempts ?? 0;

    /// <summary>
    /// A store that refused the same batch this many times in a row (about 6 s of retries) will not take it soon: what
    /// waits for all of the log (an import's end, a drain) stops waiting; the applier itself keeps retrying. Fewer is a
    /// hiccup (a DuckDB checkpoint out of memory once, a ClickHouse restart) that a wait rides out.
    /// </summary>
    public const int RefusalsToGiveUp = 10;

    /// <summary>Whether the store refused the current batch <see cref="RefusalsToGiveUp"/> times in a row.</summary>
    public bool IsRefusing => FailedAttempts >= RefusalsToGiveUp;

    private sealed record ApplyProblem(int Attempts, string Error);

    /// <summary>
    /// How long ago the oldest acknowledged entry the store does not have yet was acknowledged, in seconds (to within one
    /// batch; 0 when everything durable is applied): how stale a read that does not wait may be.
    /// </summary>
    public double LagSeconds
    {
        get
        {
            lock (_gate)
                // Caught up at its last batch: what is durable beyond it arrived since, and the applier is waking for it.
                return _caughtUp || _applied >= _log.DurablePosition ? 0 : Stopwatch.GetElapsedTime(_passedAt).TotalSeconds;
        }
    }

    /// <summary>Starts the loop (the store must be initialized).</summary>
    public void Start() => _loop = Task.Run(async () =>
    {
        try
        {
            await RunAsync();
        }
        catch (LogMismatchException ex)
        {
            StoppedBy = ex;
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            // Acknowledged entries stay in the log for a restart to resume here; this process can apply no more.
            _logger.LogCritical(ex, "The log applier stopped at position {Position}", AppliedPosition);
            StoppedBy = ex;
        }
        finally
        {
            _started.TrySetResult();
        }
    });

    /// <summary>Completes once the loop has found the store's place in the log, or stopped first (<see cref="StoppedBy"/>).</summary>
    public Task Started => _started.Task;

    /// <summary>
    /// Why the loop stopped without being asked to, or null: a <see cref="LogMismatchException"/> (the store has applied
    /// past the log's end), an <see cref="InvalidDataException"/> (a damaged log), the store broken for this process.
    /// Ingest can acknowledge nothing the store will get: the process must stop.
    /// </summary>
    public Exception? StoppedBy { get; private set; }

    /// <summary>
    /// Waits, however long it takes, until the store holds <paramref name="position"/>, telling <paramref name="left"/>
    /// each second how many bytes of the log are still to apply; false once the store <see cref="IsRefusing"/> (the log
    /// keeps the rest for the next start). An attempt past <see cref="StallBound"/> is waited for: it is slow, not failed.
    /// </summary>
    public Task<bool> WaitAllAppliedAsync(long position, Action<long> left) => WaitAppliedWhileHopefulAsync(position, long.MaxValue, left);

    // Waits a second at a time until the store holds the position; false once it keeps refusing, the loop stopped (a broken
    // store) or the deadline (a Stopwatch timestamp) passed: none of those gets there by waiting longer.
    private async Task<bool> WaitAppliedWhileHopefulAsync(long position, long deadline, Action<long>? left)
    {
        while (true)
        {
            var step = Math.Min(1, (double)(deadline - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
            var applied = WaitAppliedAsync(position, TimeSpan.FromSeconds(step));
            await Task.WhenAny(applied, _loop);
            if (applied.IsCompletedSuccessfully && applied.Result)
                return true;
            if (IsRefusing || _loop.IsCompleted || Stopwatch.GetTimestamp() >= deadline)
                return false;
            left?.Invoke(position - AppliedPosition);
        }
    }

    /// <summary>Waits until the applied position reaches <paramref name="position"/>; false when the bound passed first.</summary>
    public async Task<bool> WaitAppliedAsync(long position, TimeSpan bound, CancellationToken cancellationToken = default)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Task advanced;
            lock (_gate)
            {
                if (_applied >= position)
                    return true;
                advanced = _advanced.Task;
                _hurry.TrySetResult();
            }
            var left = deadline - Stopwatch.GetTimestamp();
            if (left <= 0)
                return false;
            try
            {
                await advanced.WaitAsync(TimeSpan.FromSeconds((double)left / Stopwatch.Frequency), cancellationToken);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    private async Task RunAsync()
    {
        var position = await StartPositionAsync();
        if (position > _log.DurablePosition)
            throw new LogMismatchException("store", position, _log.Folder, _log.DurablePosition);
        if (position < _log.StartPosition)
        {
            _logger.LogCritical("The store has applied the log up to {Applied} but the log starts at {Start}: entries in between are lost",
                position, _log.StartPosition);
            position = _log.StartPosition;
        }
        Publish(position);
        _started.TrySetResult();
        var lastApply = Stopwatch.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _log.WaitBeyondAsync(position, _stop.Token);
                NoteArrival();
                await LingerAsync(position, lastApply);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            lastApply = Stopwatch.GetTimestamp();
            position = await ApplyBatchAsync(position);
            TruncateBehind(position);
        }
    }

    // New entries are durable beyond the applied position; had the applier caught up, they are the oldest it lacks, and
    // their age starts about now (not when it caught up: an idle log is not a lagging one).
    private void NoteArrival()
    {
        lock (_gate)
        {
            if (_caughtUp)
                _passedAt = Stopwatch.GetTimestamp();
            _caughtUp = false;
        }
    }

    // The store may be away when the node starts (ClickHouse): the log keeps acknowledging meanwhile.
    private async Task<long> StartPositionAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _sink.AppliedPositionAsync(_stop.Token);
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested && ex is not StoreBrokenException && ex.InnerException is not StoreBrokenException)
            {
                _logger.LogError(ex, "Reading the store's applied log position failed (attempt {Attempt}); retrying", attempt);
                await Task.Delay(Backoff(attempt), _stop.Token);
            }
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(5000, 100 * attempt));

    // Fewer, larger batches: DuckDB lingers a moment for more entries; a store with an apply interval (ClickHouse
    // wants about one insert a second) waits out the interval unless a full batch is there or a read waits for it.
    private async Task LingerAsync(long position, long lastApply)
    {
        var interval = _sink.ApplyInterval;
        if (interval > TimeSpan.Zero)
        {
            var left = interval - Stopwatch.GetElapsedTime(lastApply);
            Task hurry;
            lock (_gate) hurry = _hurry.Task;
            if (left > TimeSpan.Zero && _log.DurablePosition - position < FullBatchBytes)
                await Task.WhenAny(hurry, Task.Delay(left, _stop.Token));
            _stop.Token.ThrowIfCancellationRequested();
            return;
        }
        if (_options.ApplyLinger > TimeSpan.Zero && _log.DurablePosition - position < 4096)
            await Task.Delay(_options.ApplyLinger, _stop.Token);
    }

    private async Task<long> ApplyBatchAsync(long position)
    {
        var writes = new List<ProjectWrite>();
        var ends = new List<long>();
        var events = 0;
        var next = position;
        foreach (var record in _log.ReadFrom(position))
        {
            var entry = record.Decode();
            writes.Add(new ProjectWrite(entry.ProjectId, entry.Events, entry.Links, entry.Rejected, entry.Source));
            ends.Add(record.NextPosition);
            events += entry.Events.Count + entry.Rejected.Count;
            next = record.NextPosition;
            if (events >= _options.ApplyBatchEvents)
                break;
        }
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Interlocked.Exchange(ref _applyStarted, Stopwatch.GetTimestamp());
                var outcomes = await _sink.ApplyAsync(writes, ends, _stop.Token);
                for (var i = 0; i < outcomes.Count; i++)
                {
                    if (outcomes[i].RefusedLinks > 0)
                        _refusedLinks[ends[i]] = outcomes[i].RefusedLinks;
                }
                Volatile.Write(ref _problem, null);
                break;
            }
            catch (Exception ex) when (ex.InnerException is StoreBrokenException || ex is StoreBrokenException)
            {
                // Retrying cannot help: the process stops (StoreProbe) and a restart resumes from the applied position.
                _logger.LogCritical(ex, "The store broke while applying log entries {From} to {To}; the applier stops", position, next);
                throw;
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                // Stopping: a batch cut short stays in the log, and the next start applies it again (exactly once by position).
                Interlocked.Exchange(ref _applyStarted, 0);
                return position;
            }
            catch (Exception ex)
            {
                // The store is away or refused the batch: the entries stay in the log and are retried in order.
                Volatile.Write(ref _problem, new ApplyProblem(attempt, ex.Message.Split('\n')[0].Trim()));
                _logger.LogError(ex, "Applying log entries {From} to {To} failed (attempt {Attempt}); retrying", position, next, attempt);
                try
                {
                    await Task.Delay(Backoff(attempt), _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Exchange(ref _applyStarted, 0);
                    return position;
                }
            }
        }
        Interlocked.Exchange(ref _applyStarted, 0);
        IngestMetrics.ApplyLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        IngestMetrics.AppliedEvents.Add(events);
        Publish(next);
        return next;
    }

    private void Publish(long position)
    {
        TaskCompletionSource advanced;
        lock (_gate)
        {
            _applied = position;
            var now = Stopwatch.GetTimestamp();
            while (_durableSamples.TryPeek(out var sample) && sample.Durable <= position)
                _passedAt = _durableSamples.Dequeue().At;
            var durable = _log.DurablePosition;
            _caughtUp = durable <= position;
            if (_caughtUp)
                _passedAt = now;
            else if (durable > _lastSampled)
                _durableSamples.Enqueue((_lastSampled = durable, now));
            advanced = _advanced;
            _advanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_hurry.Task.IsCompleted)
                _hurry = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        advanced.TrySetResult();
    }

    // A checkpoint of the key index flushes its write buffer, so it is taken only once a whole segment can go.
    private void TruncateBehind(long position)
    {
        if (_log.BytesOnDisk - (_log.DurablePosition - position) < _options.SegmentBytes)
            return;
        _log.TruncateBefore(Math.Min(position, _keyCheckpoint()));
    }

    /// <summary>Takes the link refusals the store decided for the entry ending at <paramref name="nextPosition"/> (0 when none).</summary>
    public int TakeRefusedLinks(long nextPosition) => _refusedLinks.TryRemove(nextPosition, out var refused) ? refused : 0;

    /// <summary>Waits until everything durable is applied (bounded), then stops the loop; true when it got there.</summary>
    public async Task<bool> DrainAsync(TimeSpan bound)
    {
        var drained = await WaitAppliedWhileHopefulAsync(_log.DurablePosition,
            Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency), left: null);
        await _stop.CancelAsync();
        await _loop;
        return drained;
    }

    /// <inheritdoc />
    public void Dispose() => _stop.Dispose();
}
