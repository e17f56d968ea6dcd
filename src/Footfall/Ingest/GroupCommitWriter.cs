using System.Diagnostics;
using System.Threading.Channels;
using Footfall.Storage;
using Microsoft.Extensions.Logging;

namespace Footfall.Ingest;

/// <summary>
/// Makes writes durable in groups: requests queue here and wait; one loop takes everything queued (up to a
/// size, lingering a moment for more), commits it to the store in one transaction, and only then answers every
/// request in the group. One fsync thus serves many requests. The queue is bounded in events: when full,
/// <see cref="TryEnqueue"/> says no and the caller answers 503. A request waits at most
/// <see cref="StoreOptions.Timeout"/> for its commit; one that gave up (deadline, or the client went away) before
/// its group formed is not committed at all.
/// </summary>
public sealed class GroupCommitWriter : IIngestWriter, IAsyncDisposable
{
    private readonly IEventCommitter _store;
    private readonly IngestOptions _options;
    private readonly TimeSpan _deadline;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private long _queuedEvents;

    private sealed record Pending(ProjectWrite Write, TaskCompletionSource<WriteOutcome> Done);

    /// <summary>Starts the commit loop.</summary>
    public GroupCommitWriter(IEventCommitter store, IngestOptions options, StoreOptions storeOptions, ILogger<GroupCommitWriter> logger)
    {
        _store = store;
        _options = options;
        _deadline = storeOptions.Timeout;
        _logger = logger;
        IngestMetrics.ObserveQueue(() => Interlocked.Read(ref _queuedEvents));
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Events queued and not yet committed.</summary>
    public long QueuedEvents => Interlocked.Read(ref _queuedEvents);

    /// <summary>
    /// Queues a write; the task completes once it is durable, or fails with <see cref="StoreUnavailableException"/>
    /// when the store failed or the deadline passed. False when the queue is full or shutting down.
    /// </summary>
    public bool TryEnqueue(ProjectWrite write, out Task<WriteOutcome> committed, CancellationToken cancellationToken = default)
    {
        var size = Size(write);
        if (Interlocked.Add(ref _queuedEvents, size) > _options.MaxQueuedEvents)
        {
            Interlocked.Add(ref _queuedEvents, -size);
            committed = Task.FromResult(default(WriteOutcome));
            return false;
        }
        var done = new TaskCompletionSource<WriteOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(write, done)))
        {
            Interlocked.Add(ref _queuedEvents, -size);
            committed = Task.FromResult(default(WriteOutcome));
            return false;
        }
        committed = WaitAsync(done, cancellationToken);
        return true;
    }

    private async Task<WriteOutcome> WaitAsync(TaskCompletionSource<WriteOutcome> done, CancellationToken cancellationToken)
    {
        try
        {
            return await done.Task.WaitAsync(_deadline, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Still queued: the loop skips it. Already in a commit: it may be stored yet, and a retry's key finds it.
            done.TrySetCanceled(CancellationToken.None);
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                throw;
            throw new StoreUnavailableException($"the events were not committed within {_deadline.TotalSeconds:0.###} s", ex);
        }
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var group = new List<Pending>();
        while (await reader.WaitToReadAsync())
        {
            var size = 0;
            // The group closes on size, or once the linger has passed since its first request: a steady trickle of
            // requests must not keep a group open (and its first request waiting) indefinitely.
            var opened = Stopwatch.GetTimestamp();
            while (size < _options.MaxCommitEvents && reader.TryRead(out var next))
            {
                if (next.Done.Task.IsCompleted)
                {
                    Interlocked.Add(ref _queuedEvents, -Size(next.Write));
                    continue;
                }
                group.Add(next);
                size += next.Write.Events.Count + next.Write.Rejected.Count;
                var left = _options.CommitLinger - Stopwatch.GetElapsedTime(opened);
                if (size < _options.MaxCommitEvents && left > TimeSpan.Zero && !reader.TryPeek(out _))
                    await LingerAsync(reader, left);
            }
            if (group.Count > 0)
                await CommitAsync(group, size);
            group.Clear();
        }
    }

    private static async Task LingerAsync(ChannelReader<Pending> reader, TimeSpan left)
    {
        using var timeout = new CancellationTokenSource(left);
        try
        {
            await reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Nothing more arrived in time: commit what we have.
        }
    }

    private async Task CommitAsync(List<Pending> group, int size)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var outcomes = await _store.CommitAsync(group.Select(p => p.Write).ToList());
            for (var i = 0; i < group.Count; i++)
                group[i].Done.TrySetResult(outcomes[i]);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Group commit of {Events} events failed; {Requests} requests get 503", size, group.Count);
            var failure = ex as StoreUnavailableException ?? new StoreUnavailableException("the store could not commit the events", ex);
            foreach (var pending in group)
                pending.Done.TrySetException(failure);
        }
        finally
        {
            Interlocked.Add(ref _queuedEvents, -group.Sum(p => Size(p.Write)));
            IngestMetrics.CommitLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            IngestMetrics.CommitSize.Record(size);
        }
    }

    private static int Size(ProjectWrite write) => Math.Max(1, write.Events.Count + write.Rejected.Count);

    /// <summary>Stops taking writes and commits everything already queued (the SIGTERM drain).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}
