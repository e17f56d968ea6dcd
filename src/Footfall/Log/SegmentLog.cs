using System.Threading.Channels;

namespace Footfall.Log;

/// <summary>
/// The durable ingest log: an append-only sequence of entries in segment files on local disk. Appends queue; one
/// writer thread takes everything queued, writes it with one write and one fsync, and only then completes every
/// append in the group, so one fsync serves many requests. Positions are byte offsets in the log's whole history;
/// readers (the applier) read up to <see cref="DurablePosition"/> without taking the writer's turn, and
/// <see cref="TruncateBefore"/> frees whole segments the store has taken.
/// </summary>
public sealed class SegmentLog : IAsyncDisposable
{
    private const int EnospcLinux = 28;
    private const int EdquotLinux = 122;

    private readonly SegmentLogOptions _options;
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly List<long> _segments;
    private readonly Thread _writer;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FileStream _active;
    private long _activeStart;
    private long _durable;
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _fault;
    private byte[] _group = new byte[1 << 16];

    private readonly record struct PendingAppend(byte[] Payload, TaskCompletionSource<long> Done)
    {
        public int FrameBytes => SegmentFrame.HeaderBytes + Payload.Length;
    }

    private SegmentLog(SegmentLogOptions options, List<long> segments, FileStream active, long durable)
    {
        _options = options;
        _segments = segments;
        _active = active;
        _activeStart = segments[^1];
        _durable = durable;
        _writer = new Thread(Run) { IsBackground = true, Name = "footfall-log-writer" };
        _writer.Start();
    }

    /// <summary>
    /// Opens the log in <see cref="SegmentLogOptions.Folder"/>, creating it if needed. A tail torn by a crash (a frame
    /// cut short or failing its CRC) is cut off: it was never acknowledged. Only the last segment is scanned, so the
    /// time this takes is bounded by the segment size, not by history.
    /// </summary>
    /// <exception cref="InvalidDataException">A closed segment is damaged.</exception>
    public static SegmentLog Open(SegmentLogOptions options)
    {
        options.Validate();
        Directory.CreateDirectory(options.Folder);
        var segments = SegmentFiles.List(options.Folder);
        if (segments.Count == 0)
        {
            segments.Add(0);
            new FileStream(SegmentFiles.PathOf(options.Folder, 0), FileMode.CreateNew).Dispose();
            DirectorySync.Flush(options.Folder);
        }
        SegmentFiles.CheckContiguous(options.Folder, segments);
        var path = SegmentFiles.PathOf(options.Folder, segments[^1]);
        var intact = SegmentFiles.IntactLength(path);
        var active = OpenForAppend(path);
        if (active.Length != intact)
        {
            active.SetLength(intact);
            active.Flush(flushToDisk: true);
        }
        return new SegmentLog(options, segments, active, segments[^1] + intact);
    }

    /// <summary>The folder that holds the segments.</summary>
    public string Folder => _options.Folder;

    /// <summary>Everything before this position is on disk and survives a crash.</summary>
    public long DurablePosition
    {
        get
        {
            lock (_gate) return _durable;
        }
    }

    /// <summary>The oldest position still on disk (everything before it was truncated).</summary>
    public long StartPosition
    {
        get
        {
            lock (_gate) return _segments[0];
        }
    }

    /// <summary>The bytes the log's segments take on disk (for a disk budget and a metric).</summary>
    public long BytesOnDisk
    {
        get
        {
            lock (_gate) return _durable - _segments[0];
        }
    }

    /// <summary>Appends an entry; completes with the position right after it once it is durable.</summary>
    /// <exception cref="LogFullException">The disk or the budget is full; nothing of the entry was kept.</exception>
    public Task<long> AppendAsync(LogEntry entry) => AppendAsync(LogEntryCodec.Encode(entry));

    /// <summary>Appends an encoded entry; completes with the position right after it once it is durable.</summary>
    /// <exception cref="LogFullException">The disk or the budget is full; nothing of the entry was kept.</exception>
    public Task<long> AppendAsync(byte[] payload)
    {
        if (payload.Length == 0 || payload.Length > _options.MaxGroupBytes - SegmentFrame.HeaderBytes)
            throw new ArgumentException($"An entry takes 1 to {_options.MaxGroupBytes - SegmentFrame.HeaderBytes} bytes, not {payload.Length}.", nameof(payload));
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(new PendingAppend(payload, done)), this);
        return done.Task;
    }

    /// <summary>Completes once <see cref="DurablePosition"/> is past <paramref name="position"/>.</summary>
    public async Task WaitBeyondAsync(long position, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task advanced;
            lock (_gate)
            {
                if (_durable > position)
                    return;
                advanced = _advanced.Task;
            }
            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The entries from <paramref name="position"/> (an entry's position, e.g. an applier's checkpoint) up to the
    /// durable position as it was when this was called. Reads never block appends.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The position was truncated away or lies beyond the log.</exception>
    /// <exception cref="InvalidDataException">The bytes at a durable position are damaged.</exception>
    public IEnumerable<LogRecord> ReadFrom(long position)
    {
        long[] starts;
        long end;
        lock (_gate)
        {
            starts = [.. _segments];
            end = _durable;
        }
        if (position < starts[0] || position > end)
            throw new ArgumentOutOfRangeException(nameof(position), $"The log holds positions {starts[0]} to {end}, not {position}.");
        return Read(starts, end, position);
    }

    private IEnumerable<LogRecord> Read(long[] starts, long end, long position)
    {
        var i = Array.BinarySearch(starts, position);
        for (i = i >= 0 ? i : ~i - 1; i < starts.Length && position < end; i++)
        {
            var segmentEnd = i + 1 < starts.Length ? starts[i + 1] : end;
            using var file = new FileStream(SegmentFiles.PathOf(_options.Folder, starts[i]), FileMode.Open, FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete, 1 << 16);
            file.Position = position - starts[i];
            while (position < segmentEnd)
            {
                var payload = SegmentFrame.TryRead(file, segmentEnd - position)
                    ?? throw new InvalidDataException($"The log in {_options.Folder} is damaged at position {position}: no intact entry starts there. " +
                        LogMismatchException.ResetAdvice);
                var next = position + SegmentFrame.HeaderBytes + payload.Length;
                yield return new LogRecord(position, next, payload);
                position = next;
            }
        }
    }

    /// <summary>
    /// Deletes the segments that lie wholly before <paramref name="position"/> (the applier's checkpoint). The
    /// segment being written is kept, so a log never truncates to nothing.
    /// </summary>
    public void TruncateBefore(long position)
    {
        var doomed = new List<long>();
        lock (_gate)
        {
            while (_segments.Count > 1 && _segments[1] <= position)
            {
                doomed.Add(_segments[0]);
                _segments.RemoveAt(0);
            }
        }
        foreach (var start in doomed)
            File.Delete(SegmentFiles.PathOf(_options.Folder, start));
    }

    /// <summary>Writes what is queued, then stops the writer and closes the active segment.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopped.Task.ConfigureAwait(false);
        _active.Dispose();
    }

    /// <summary>
    /// Closes the log and deletes every segment (a clean shutdown with everything applied), keeping the next position
    /// in the name of an empty segment, so that no entry's bytes outlive the shutdown and positions never repeat.
    /// </summary>
    public async ValueTask CloseEmptyAsync()
    {
        await DisposeAsync().ConfigureAwait(false);
        long[] doomed;
        long end;
        lock (_gate)
        {
            end = _durable;
            doomed = [.. _segments.Where(s => s < end)];
        }
        if (doomed.Length > 0)
            SegmentFiles.StartEmptyAt(_options.Folder, end, doomed);
    }

    private void Run()
    {
        var reader = _queue.Reader;
        var group = new List<PendingAppend>();
        PendingAppend? carried = null;
        try
        {
            while (carried is not null || reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                group.Clear();
                var bytes = 0;
                if (carried is { } first)
                {
                    group.Add(first);
                    bytes = first.FrameBytes;
                    carried = null;
                }
                while (reader.TryRead(out var next))
                {
                    if (bytes + next.FrameBytes > _options.MaxGroupBytes)
                    {
                        carried = next;
                        break;
                    }
                    group.Add(next);
                    bytes += next.FrameBytes;
                }
                if (group.Count > 0)
                    WriteGroup(group);
            }
            _stopped.TrySetResult();
        }
        catch (Exception e)
        {
            _stopped.TrySetException(e);
        }
    }

    private void WriteGroup(List<PendingAppend> group)
    {
        if (_fault is not null)
        {
            Fail(group, 0, new IOException("The log stopped after a write failure; restart to recover.", _fault));
            return;
        }
        long start;
        long room;
        lock (_gate)
        {
            start = _durable;
            room = _options.MaxBytes - (_durable - _segments[0]);
        }
        // Entries past the budget fail; those before them in the group still go in, in order.
        var fits = 0;
        var bytes = 0;
        while (fits < group.Count && bytes + group[fits].FrameBytes <= room)
            bytes += group[fits++].FrameBytes;
        Fail(group, fits, new LogFullException($"The log's disk budget of {_options.MaxBytes} bytes is spent."));
        if (fits == 0)
            return;

        if (_group.Length < bytes)
            _group = new byte[Math.Max(bytes, _group.Length * 2)];
        var offset = 0;
        for (var i = 0; i < fits; i++)
            offset += SegmentFrame.Write(_group.AsSpan(offset), group[i].Payload);

        var fileOffset = start - _activeStart;
        try
        {
            RandomAccess.Write(_active.SafeFileHandle, _group.AsSpan(0, bytes), fileOffset);
            _active.Flush(flushToDisk: true);
        }
        catch (IOException e) when (e.HResult is EnospcLinux or EdquotLinux)
        {
            // A partial frame must not survive to look like a torn tail after entries appended later.
            try
            {
                _active.SetLength(fileOffset);
                Fail(group, 0, new LogFullException("The log's disk is full.", e), fits);
            }
            catch (Exception cut)
            {
                Stop(group, fits, cut);
            }
            return;
        }
        catch (Exception e)
        {
            Stop(group, fits, e);
            return;
        }

        TaskCompletionSource advanced;
        lock (_gate)
        {
            _durable = start + bytes;
            advanced = _advanced;
            _advanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        var position = start;
        for (var i = 0; i < fits; i++)
        {
            position += group[i].FrameBytes;
            group[i].Done.TrySetResult(position);
        }
        advanced.TrySetResult();
        if (start + bytes - _activeStart >= _options.SegmentBytes)
            Roll(start + bytes);
    }

    // After an fsync failure the kernel may have dropped the dirty pages, so nothing this process believes about
    // the file can be trusted: stop taking appends; a restart recovers from what is really on disk.
    private void Stop(List<PendingAppend> group, int count, Exception e)
    {
        _fault = e;
        Fail(group, 0, new IOException("The log could not write; it takes no more appends until a restart.", e), count);
    }

    private static void Fail(List<PendingAppend> group, int from, Exception e, int to = int.MaxValue)
    {
        for (var i = from; i < Math.Min(to, group.Count); i++)
            group[i].Done.TrySetException(e);
    }

    private void Roll(long start)
    {
        var path = SegmentFiles.PathOf(_options.Folder, start);
        FileStream? next = null;
        try
        {
            next = OpenForAppend(path, FileMode.CreateNew);
            DirectorySync.Flush(_options.Folder);
        }
        catch (IOException)
        {
            next?.Dispose();
            // No room for a new segment: keep appending to this one (recovery would read a leftover empty file
            // as a segment that starts where this one has grown past), and try again after the next group.
            File.Delete(path);
            return;
        }
        var previous = _active;
        lock (_gate)
        {
            _segments.Add(start);
            _active = next;
            _activeStart = start;
        }
        previous.Dispose();
    }

    private static FileStream OpenForAppend(string path, FileMode mode = FileMode.Open) =>
        new(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
}
