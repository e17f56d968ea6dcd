using System.Threading.Channels;
using Footfall.Storage;
using Microsoft.Extensions.Logging;

namespace Footfall.Recommendations;

/// <summary>
/// Served responses on their way to the store. A feed answers without waiting for a disk write: it enqueues here, and
/// one loop writes what has gathered in one append per project. Reports flush first, so they see every response
/// served before them; a crash loses at most the responses of the last flush interval, never events.
/// </summary>
public sealed class ServedResponseLog(IServedResponseStore store, ILogger<ServedResponseLog> logger) : IDisposable
{
    private readonly Channel<(string Project, ServedResponse Response)> _pending =
        Channel.CreateUnbounded<(string, ServedResponse)>(new UnboundedChannelOptions { SingleReader = false });
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>Queues a served response for storage.</summary>
    public void Add(string projectId, ServedResponse response) => _pending.Writer.TryWrite((projectId, response));

    /// <summary>Writes everything queued so far.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var batch = new List<(string Project, ServedResponse Response)>();
            while (_pending.Reader.TryRead(out var item))
                batch.Add(item);
            foreach (var group in batch.GroupBy(b => b.Project))
            {
                try
                {
                    await store.RecordResponsesAsync(group.Key, group.Select(g => g.Response).ToList(), cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Attribution loses these responses; serving recommendations must not fail because of it.
                    logger.LogError(ex, "Could not store {Count} served recommendation responses of {Project}", group.Count(), group.Key);
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _flushing.Dispose();
}
