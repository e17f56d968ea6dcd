using Footfall.Log;
using Footfall.Storage;
using Microsoft.Extensions.Logging;

namespace Footfall.Ingest;

/// <summary>
/// Log-first ingest put together: the log (<c>DATA/log</c>), the key index (<c>DATA/keys</c>), the writer that
/// acknowledges on the log and the applier that moves entries into the store. Disposing it is the clean shutdown:
/// refuse new writes, apply everything acknowledged, then delete every log segment.
/// </summary>
public sealed class LogIngest : IIngestWriter, IAsyncDisposable
{
    private static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(25);

    private readonly SegmentLog _log;
    private readonly IdempotencyKeyIndex _index;
    private readonly LogIngestWriter _writer;
    private readonly IEventCommitter _store;
    private readonly ILogger _logger;
    // Set when the key index was created by this start: it is seeded from the keys the store already holds.
    private ILogSink? _seedFrom;

    private LogIngest(SegmentLog log, IdempotencyKeyIndex index, LogIngestWriter writer, LogApplier applier, IEventCommitter store,
        LogIngestOptions options, ILogger logger)
    {
        _store = store;
        _log = log;
        _index = index;
        _writer = writer;
        Applier = applier;
        Options = options;
        _logger = logger;
        IngestMetrics.ObserveLog(() => _log.BytesOnDisk, () => Math.Max(0, _log.DurablePosition - Applier.AppliedPosition), () => Applier.LagSeconds);
    }

    /// <summary>The applier (its position is what reads wait for).</summary>
    public LogApplier Applier { get; }

    /// <summary>The options it was opened with.</summary>
    public LogIngestOptions Options { get; }

    /// <summary>The bytes the log holds on disk (acknowledged entries not yet truncated).</summary>
    public long LogBytes => _log.BytesOnDisk;

    /// <summary>Everything before this log position is durable (acknowledged or about to be).</summary>
    public long DurablePosition => _log.DurablePosition;

    /// <summary>Opens the log and the key index under <paramref name="dataFolder"/>; call <see cref="Start"/> once the store is open.</summary>
    public static LogIngest Open(string dataFolder, IEventCommitter store, ILogSink sink, IngestOptions ingest, LogIngestOptions options, ILoggerFactory loggers)
    {
        options.Validate();
        var logFolder = Path.Combine(dataFolder, "log");
        var keysFolder = Path.Combine(dataFolder, "keys");
        var newIndex = !Directory.Exists(keysFolder) || !Directory.EnumerateFileSystemEntries(keysFolder).Any();
        CreatePrivate(logFolder);
        CreatePrivate(keysFolder);
        var log = SegmentLog.Open(new SegmentLogOptions { Folder = logFolder, MaxBytes = options.MaxBytes, SegmentBytes = options.SegmentBytes });
        var index = DerivedIndex.OpenOrRebuild(keysFolder, folder => IdempotencyKeyIndex.Open(new KeyIndexOptions { Folder = folder, BlockCacheBytes = options.KeyCacheBytes }),
            loggers.CreateLogger<LogIngest>(), "idempotency key index", out var rebuilt);
        newIndex |= rebuilt;
        if (index.Position > log.DurablePosition)
        {
            var mismatch = new LogMismatchException("idempotency key index", index.Position, log.Folder, log.DurablePosition);
            index.Dispose();
            log.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw mismatch;
        }
        var writer = new LogIngestWriter(log, index, ingest, loggers.CreateLogger<LogIngestWriter>());
        var applier = new LogApplier(log, sink, index.Checkpoint, options, loggers.CreateLogger<LogApplier>());
        writer.AnswerLinksFrom(applier, options.ReadWait);
        return new LogIngest(log, index, writer, applier, store, options, loggers.CreateLogger<LogIngest>()) { _seedFrom = newIndex ? sink : null };
    }

    // The log and the keys hold people's data: readable by the server's user only.
    private static void CreatePrivate(string folder)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(folder);
        else
            Directory.CreateDirectory(folder, OwnerOnly);
    }

    /// <summary>Waits (bounded) until the store holds everything acknowledged so far; false when the bound passed first.</summary>
    public Task<bool> WaitAppliedAsync(TimeSpan bound, CancellationToken cancellationToken = default) =>
        Applier.WaitAppliedAsync(_log.DurablePosition, bound, cancellationToken);

    /// <summary>Starts applying the log to the store.</summary>
    public void Start()
    {
        if (_seedFrom is not null)
            SeedKeys(_seedFrom);
        Applier.Start();
    }

    // Keys stored before this index existed (an upgrade from a version without the log, or a lost keys folder) go
    // in once, before anything is served; the index's position stays where it is, so the log still catches it up.
    private void SeedKeys(ILogSink sink)
    {
        long seeded = 0;
        foreach (var chunk in sink.StoredKeys().Chunk(100_000))
        {
            _index.Add(chunk, _index.Position);
            seeded += chunk.Length;
        }
        _seedFrom = null;
        if (seeded > 0)
            _logger.LogInformation("Seeded the new key index with {Keys} idempotency keys already in the store", seeded);
    }

    /// <inheritdoc />
    public bool TryEnqueue(ProjectWrite write, out Task<WriteOutcome> committed, CancellationToken cancellationToken = default)
    {
        if (write.Events.Count > 0 || write.Rejected.Count > 0 || write.Links.Count == 0)
            return _writer.TryEnqueue(write, out committed, cancellationToken);
        committed = LinkAsync(write, cancellationToken);
        return true;
    }

    // An explicit link is answered with the link rule's decision (a refusal is a 409), which depends on every event
    // acknowledged before it: so it waits until those are in the store, then commits straight to it.
    private async Task<WriteOutcome> LinkAsync(ProjectWrite write, CancellationToken cancellationToken)
    {
        if (!await WaitAppliedAsync(Options.ReadWait, cancellationToken))
            throw new StoreUnavailableException("the store is behind the ingest log; retry the link shortly", new TimeoutException());
        return (await _store.CommitAsync([write], cancellationToken))[0];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _writer.CloseAsync();
        var drained = await Applier.DrainAsync(DrainBound);
        await _writer.StopIndexerAsync();
        _index.Checkpoint();
        if (drained)
        {
            await _log.CloseEmptyAsync();
            _logger.LogInformation("Every acknowledged entry is applied; the ingest log is emptied at position {Position}", _log.DurablePosition);
        }
        else
        {
            await _log.DisposeAsync();
            // An applier that never found the store's place in the log (the store did not open, or had read past the
            // log's end) applied nothing: what stopped it was said.
            if (Applier.AppliedPosition >= 0)
                _logger.LogWarning("The store did not take every acknowledged entry in {Bound}; the log keeps them from position {Applied} for the next start",
                    DrainBound, Applier.AppliedPosition);
        }
        _index.Dispose();
    }
}
