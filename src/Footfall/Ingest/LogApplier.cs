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
public sealed class LogApplier
{
    private readonly SegmentLog _log;
    private readonly ILogSink _sink;
    private readonly Func<long> _keyCheckpoint;
    private readonly LogIngestOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _applied = -1;
    private long _caughtUpAt = Stopwatch.GetTimestamp();
    private Task _loop = Task.CompletedTask;

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

    /// <summary>Seconds since the applier last had everything durable applied (0 when it has).</summary>
    public double LagSeconds
    {
        get
        {
            lock (_gate)
                return _applied >= _log.DurablePosition ? 0 : Stopwatch.GetElapsedTime(_caughtUpAt).TotalSeconds;
        }
    }

    /// <summary>Starts the loop (the store must be initialized).</summary>
    public void Start() => _loop = Task.Run(async () =>
    {
        try
        {
            await RunAsync();
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            // Acknowledged entries stay in the log; reads report the growing lag until a restart resumes here.
            _logger.LogCritical(ex, "The log applier stopped at position {Position}", AppliedPosition);
        }
    });

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
        var position = await _sink.AppliedPositionAsync(_stop.Token);
        if (position < _log.StartPosition)
        {
            _logger.LogCritical("The store has applied the log up to {Applied} but the log starts at {Start}: entries in between are lost",
                position, _log.StartPosition);
            position = _log.StartPosition;
        }
        Publish(position);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _log.WaitBeyondAsync(position, _stop.Token);
                if (_options.ApplyLinger > TimeSpan.Zero && _log.DurablePosition - position < 4096)
                    await Task.Delay(_options.ApplyLinger, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            position = await ApplyBatchAsync(position);
            TruncateBehind(position);
        }
    }

    private async Task<long> ApplyBatchAsync(long position)
    {
        var writes = new List<ProjectWrite>();
        var events = 0;
        var next = position;
        foreach (var record in _log.ReadFrom(position))
        {
            var entry = record.Decode();
            writes.Add(new ProjectWrite(entry.ProjectId, entry.Events, entry.Links, entry.Rejected, entry.Source));
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
                await _sink.ApplyAsync(writes, next);
                break;
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                // The store is away or refused the batch: the entries stay in the log and are retried in order.
                _logger.LogError(ex, "Applying log entries {From} to {To} failed (attempt {Attempt}); retrying", position, next, attempt);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * attempt)), _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return position;
                }
            }
        }
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
            if (position >= _log.DurablePosition)
                _caughtUpAt = Stopwatch.GetTimestamp();
            advanced = _advanced;
            _advanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
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

    /// <summary>Waits until everything durable is applied (bounded), then stops the loop; true when it got there.</summary>
    public async Task<bool> DrainAsync(TimeSpan bound)
    {
        var drained = await WaitAppliedAsync(_log.DurablePosition, bound);
        await _stop.CancelAsync();
        await _loop;
        return drained;
    }
}
