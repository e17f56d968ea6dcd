using System.Collections.Concurrent;
using System.Diagnostics;
using Footfall.Events;
using Footfall.Log;
using Footfall.Storage;
using Microsoft.Extensions.Logging;

namespace Footfall.Ingest;

/// <summary>
/// The write side of log-first ingest: drops events whose idempotency key was seen (in the batch, in a request still
/// in flight, or in the <see cref="IdempotencyKeyIndex"/>), appends the rest to the log as one entry and answers once
/// it is durable. A follower loop adds each durable entry's keys to the index in log order; until it has, the keys
/// stay in an in-memory set bounded by the index's lag, not by history.
/// </summary>
public sealed class LogIngestWriter : IIngestWriter, IDisposable
{
    private readonly SegmentLog _log;
    private readonly IdempotencyKeyIndex _index;
    private readonly IngestOptions _options;
    private readonly ILogger _logger;
    // Keys appended or being appended whose entry the indexer has not reached yet. Concurrent, not under one lock:
    // every request passes through it, and one lock for all of them was the ack path's largest wait.
    private readonly ConcurrentDictionary<(string Project, string Key), byte> _inFlight = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _indexer;
    private long _queuedEvents;
    private LogApplier? _applier;
    private TimeSpan _readWait;
    private long _removals;
    private int _closed;
    private int _writing;
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Replays into the index what it lacks, then starts following the log.</summary>
    public LogIngestWriter(SegmentLog log, IdempotencyKeyIndex index, IngestOptions options, ILogger<LogIngestWriter> logger)
    {
        _log = log;
        _index = index;
        _options = options;
        _logger = logger;
        var replayed = index.CatchUp(log);
        if (replayed > 0)
            logger.LogInformation("Added the keys of {Entries} log entries to the key index", replayed);
        IngestMetrics.ObserveQueue(() => Interlocked.Read(ref _queuedEvents));
        _indexer = Task.Run(IndexAsync);
    }

    /// <inheritdoc />
    public bool TryEnqueue(ProjectWrite write, out Task<WriteOutcome> committed, CancellationToken cancellationToken = default)
    {
        var size = Math.Max(1, write.Events.Count + write.Rejected.Count);
        // Counted before the closed flag is read (both full fences), so CloseAsync either sees this write or this
        // write sees it closed.
        Interlocked.Increment(ref _writing);
        if (Volatile.Read(ref _closed) != 0)
        {
            Leave();
            committed = Task.FromResult(default(WriteOutcome));
            return false;
        }
        if (Interlocked.Add(ref _queuedEvents, size) > _options.MaxQueuedEvents)
        {
            Interlocked.Add(ref _queuedEvents, -size);
            Leave();
            committed = Task.FromResult(default(WriteOutcome));
            return false;
        }
        committed = WriteAsync(write, size);
        return true;
    }

    private void Leave()
    {
        if (Interlocked.Decrement(ref _writing) == 0 && Volatile.Read(ref _closed) != 0)
            _idle.TrySetResult();
    }

    private async Task<WriteOutcome> WriteAsync(ProjectWrite write, int size)
    {
        List<(string, string)> reserved = [];
        try
        {
            var (fresh, duplicates) = Reserve(write, reserved);
            if (fresh.Count == 0 && write.Links.Count == 0 && write.Rejected.Count == 0)
                return new WriteOutcome(0, duplicates);
            var started = Stopwatch.GetTimestamp();
            long end;
            try
            {
                end = await _log.AppendAsync(new LogEntry(write.ProjectId, write.Source, fresh, write.Links, write.Rejected));
                DurableSignal.Raise();
                // The commit that acknowledges is now the log's group fsync.
                IngestMetrics.CommitLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                IngestMetrics.CommitSize.Record(fresh.Count + write.Rejected.Count);
            }
            catch (LogFullException ex)
            {
                Release(reserved);
                throw new IngestQueueFullException(ex.Message);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                Release(reserved);
                throw new StoreUnavailableException("the ingest log could not take the events", ex);
            }
            // The link rule is decided against the store's persons, so a write that can link waits for its entry to be
            // applied to answer with the refusals (bounded: past it, the events are durable and the answer says none).
            // While the store is away it does not wait at all: a bound per request would throttle ingest to it.
            var links = write.Links.Count > 0 || fresh.Any(e => e.UserId is not null && e.GuestId is not null);
            var refused = links && _applier is { IsFailing: false } && await _applier.WaitAppliedAsync(end, _readWait) ? _applier.TakeRefusedLinks(end) : 0;
            return new WriteOutcome(fresh.Count, duplicates, refused);
        }
        finally
        {
            Interlocked.Add(ref _queuedEvents, -size);
            Leave();
        }
    }

    private (List<TrackedEvent> Fresh, int Duplicates) Reserve(ProjectWrite write, List<(string, string)> reserved)
    {
        var project = write.ProjectId;
        var keys = new string?[write.Events.Count];
        for (var i = 0; i < keys.Length; i++)
            keys[i] = write.Events[i].Key;
        var removals = Interlocked.Read(ref _removals);
        var stored = _index.Contains(project, keys);
        var taken = new string?[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is { } key && !stored[i] && _inFlight.TryAdd((project, key), 0))
                taken[i] = key;
        }
        // The indexer adds a key to the index, then counts a removal, then takes the key out of the in-flight set: a
        // key that moved from the set to the index between the two checks above shows as a changed count.
        if (Interlocked.Read(ref _removals) != removals)
        {
            var moved = _index.Contains(project, taken);
            for (var i = 0; i < keys.Length; i++)
            {
                if (moved[i])
                {
                    _inFlight.TryRemove((project, taken[i]!), out _);
                    taken[i] = null;
                }
            }
        }
        var fresh = new List<TrackedEvent>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is null || taken[i] is not null)
                fresh.Add(write.Events[i]);
            if (taken[i] is { } key)
                reserved.Add((project, key));
        }
        return (fresh, keys.Length - fresh.Count);
    }

    private void Release(IEnumerable<(string, string)> keys)
    {
        Interlocked.Increment(ref _removals);
        foreach (var key in keys)
            _inFlight.TryRemove(key, out _);
    }

    private async Task IndexAsync()
    {
        var position = Math.Max(_index.Position, _log.StartPosition);
        try
        {
            while (true)
            {
                await _log.WaitBeyondAsync(position, _stop.Token);
                foreach (var record in _log.ReadFrom(position))
                {
                    var (projectId, entryKeys) = LogEntryCodec.DecodeKeys(record.Payload.Span);
                    var keys = entryKeys.ConvertAll(key => (projectId, key));
                    _index.Add(keys, record.NextPosition);
                    Release(keys);
                    position = record.NextPosition;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Shutting down: the rest is added by CatchUp at the next start.
        }
        catch (Exception ex)
        {
            // Keys stay in the in-flight set, so duplicates are still caught; memory grows until a restart.
            _logger.LogCritical(ex, "The key indexer stopped at log position {Position}", position);
        }
    }

    /// <summary>The applier whose link refusals a linking write waits for, up to <paramref name="bound"/>.</summary>
    public void AnswerLinksFrom(LogApplier applier, TimeSpan bound)
    {
        _applier = applier;
        _readWait = bound;
    }

    /// <summary>Refuses new writes and waits until every accepted one has been answered.</summary>
    public async Task CloseAsync()
    {
        Interlocked.Exchange(ref _closed, 1);
        if (Interlocked.CompareExchange(ref _writing, 0, 0) == 0)
            _idle.TrySetResult();
        await _idle.Task;
    }

    /// <summary>Stops the key indexer (after <see cref="CloseAsync"/>, once the log has no more appends).</summary>
    public async Task StopIndexerAsync()
    {
        await _stop.CancelAsync();
        await _indexer;
        // What the loop had not reached yet, so the index is complete before the log is truncated.
        _index.CatchUp(_log);
    }

    /// <inheritdoc />
    public void Dispose() => _stop.Dispose();
}
