using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Footfall.Client.Delivery;

/// <summary>
/// The background side: a bounded channel drained by one loop that sends a batch when it is full, when the oldest
/// event has waited <see cref="FootfallClientOptions.FlushInterval"/>, when a flush asks, and on shutdown.
/// Items are numbered in channel order, so "everything tracked before this flush" is a number to wait for.
/// </summary>
internal sealed class BatchSender : IAsyncDisposable
{
    // The server refuses bodies over 1 MiB; a little margin covers the brackets and commas.
    private const int MaxBodyBytes = 1024 * 1024 - 4096;

    private readonly FootfallClientOptions _options;
    private readonly BatchPoster _poster;
    private readonly DeliveryCounters _counters;
    private readonly ILogger _logger;
    private readonly Channel<Outgoing> _queue;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _gate = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _flushes = [];
    private readonly Task _loop;
    private Outgoing? _carried;
    private long _enqueued;
    private long _settled;
    private volatile bool _closing;

    public BatchSender(FootfallClientOptions options, Func<HttpClient> http, DeliveryCounters counters, ILogger logger)
    {
        _options = options;
        _counters = counters;
        _logger = logger;
        _poster = new BatchPoster(options, http, counters, logger);
        // Wait mode makes TryWrite answer false when full, which is how the newest event is refused (see options).
        _queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(options.MaxQueuedEvents)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Items accepted but not yet answered for (queued or being sent).</summary>
    public long Pending
    {
        get
        {
            lock (_gate) return _enqueued - _settled;
        }
    }

    /// <summary>Queues an item; false (and counted as dropped) when the queue is full or the client is closed.</summary>
    public bool TryEnqueue(Outgoing item)
    {
        int queued;
        lock (_gate)
        {
            // Numbering and writing under one lock keeps the numbers in channel order for FlushAsync.
            if (_closing || !_queue.Writer.TryWrite(item))
            {
                _counters.AddDropped(1);
                return false;
            }
            _enqueued++;
            queued = _queue.Reader.Count;
        }
        if (queued == _options.BatchSize)
            _wake.Release();
        return true;
    }

    public Task FlushAsync(CancellationToken cancel)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_settled >= _enqueued) return Task.CompletedTask;
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _flushes.Add((_enqueued, done));
        }
        _wake.Release();
        return done.Task.WaitAsync(cancel);
    }

    private async Task RunAsync()
    {
        var cancel = _abort.Token;
        try
        {
            while (_carried is not null || await _queue.Reader.WaitToReadAsync(cancel))
            {
                if (!_closing && !FlushWanted() && _queue.Reader.Count < _options.BatchSize)
                    await _wake.WaitAsync(_options.FlushInterval, cancel);
                var batch = TakeBatch();
                if (batch.Count == 0) continue;
                await SendAsync(batch, cancel);
                Settle(batch.Count);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Shutdown gave up waiting; DisposeAsync counts what is left.
        }
        catch (Exception ex)
        {
            _logger.LogCritical(ex, "Footfall sender stopped unexpectedly; events still queued will be dropped");
        }
    }

    // One batch's unexpected failure (a bug, an odd proxy) costs that batch, never the sender behind it.
    private async Task SendAsync(List<Outgoing> batch, CancellationToken cancel)
    {
        try
        {
            await _poster.SendAsync(batch, cancel);
        }
        catch (Exception ex) when (!cancel.IsCancellationRequested)
        {
            _counters.AddFailed(batch.Count(b => !b.IsLink));
            _logger.LogError(ex, "Footfall could not send a batch of {Count}; it is dropped", batch.Count);
        }
    }

    private bool FlushWanted()
    {
        lock (_gate) return _flushes.Count > 0;
    }

    // A link travels alone to /v1/identify; events travel together up to the count and size limits.
    private List<Outgoing> TakeBatch()
    {
        var batch = new List<Outgoing>();
        var bytes = 0;
        while (batch.Count < _options.BatchSize)
        {
            var next = _carried;
            _carried = null;
            if (next is null && !_queue.Reader.TryRead(out next)) break;
            var fits = batch.Count == 0 || (!next.IsLink && !batch[0].IsLink && bytes + next.Json.Length + 1 <= MaxBodyBytes);
            if (!fits)
            {
                _carried = next;
                break;
            }
            batch.Add(next);
            bytes += next.Json.Length + 1;
            if (next.IsLink) break;
        }
        return batch;
    }

    private void Settle(int count)
    {
        lock (_gate)
        {
            _settled += count;
            for (var i = _flushes.Count - 1; i >= 0; i--)
            {
                if (_flushes[i].Target > _settled) continue;
                _flushes[i].Done.TrySetResult();
                _flushes.RemoveAt(i);
            }
        }
    }

    /// <summary>Sends what is queued within the shutdown timeout; counts the rest as dropped.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_closing) return;
            _closing = true;
            _queue.Writer.TryComplete();
        }
        _wake.Release();
        try
        {
            await _loop.WaitAsync(_options.ShutdownTimeout);
        }
        catch (TimeoutException)
        {
            _abort.Cancel();
            await _loop;
        }
        lock (_gate)
        {
            var lost = _enqueued - _settled;
            if (lost > 0)
            {
                _counters.AddDropped(lost);
                _logger.LogError("Footfall shut down with {Lost} event(s) undelivered", lost);
            }
            _settled = _enqueued;
            foreach (var (_, done) in _flushes) done.TrySetResult();
            _flushes.Clear();
        }
        _abort.Dispose();
        _wake.Dispose();
    }
}
