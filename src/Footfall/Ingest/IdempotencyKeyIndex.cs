using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Footfall.Log;
using RocksDbSharp;

namespace Footfall.Ingest;

/// <summary>
/// Every idempotency key the ingest log holds, per project, on disk (RocksDB, a bloom filter in front, memory
/// bounded by <see cref="KeyIndexOptions"/>): a retried id costs one lookup, never a scan, whatever its age.
/// <para>
/// Crash consistency: keys are added only after their log entry is durable, in one write batch with the log
/// position they reach, and without a write-ahead log of their own. So the index on disk is always the keys of a
/// prefix of the log plus that prefix's end (<see cref="Position"/>); on open, <see cref="CatchUp"/> re-adds the
/// keys of the entries after it. A key is never durable without its entry, and never lost with it.
/// </para>
/// </summary>
public sealed class IdempotencyKeyIndex : IDisposable
{
    // A project id is never empty, so a key starting with 0 cannot collide with a (project, key) pair.
    private static readonly byte[] PositionKey = [0, (byte)'p'];

    private readonly RocksDb _db;
    private readonly WriteOptions _noWal = new WriteOptions().DisableWal(1);
    private readonly FlushOptions _waitForFlush = new FlushOptions().SetWaitForFlush(true);
    // The native options and cache the database was opened with must outlive it.
    private readonly DbOptions _options;
    private readonly Cache _cache;
    private long _position;

    private IdempotencyKeyIndex(RocksDb db, DbOptions options, Cache cache)
    {
        _db = db;
        _options = options;
        _cache = cache;
        var stored = db.Get(PositionKey);
        _position = stored is null ? 0 : BinaryPrimitives.ReadInt64LittleEndian(stored);
    }

    /// <summary>Opens (or creates) the index in <see cref="KeyIndexOptions.Folder"/>.</summary>
    public static IdempotencyKeyIndex Open(KeyIndexOptions options)
    {
        options.Validate();
        Directory.CreateDirectory(options.Folder);
        var cache = Cache.CreateLru((ulong)options.BlockCacheBytes);
        // Index and filter blocks live in the bounded cache too (otherwise they are held outside it, per file, and
        // grow with the number of keys), partitioned so that a lookup loads a small piece, not a table's whole filter.
        var table = new BlockBasedTableOptions()
            .SetBlockCache(cache)
            .SetFilterPolicy(BloomFilterPolicy.Create(options.BloomBitsPerKey, false))
            .SetCacheIndexAndFilterBlocks(true)
            .SetPinL0FilterAndIndexBlocksInCache(true)
            .SetWholeKeyFiltering(true)
            .Partitioned();
        var dbOptions = new DbOptions()
            .SetCreateIfMissing(true)
            .SetWriteBufferSize((ulong)options.WriteBufferBytes)
            .SetMaxWriteBufferNumber(2)
            .ForKeysInNoOrder()
            .SetMaxOpenFiles(256)
            .SetKeepLogFileNum(2)
            .SetBlockBasedTableFactory(table);
        return new IdempotencyKeyIndex(RocksDb.Open(dbOptions, options.Folder), dbOptions, cache);
    }

    /// <summary>The log position up to which every entry's keys have been added (some may not be on disk yet).</summary>
    public long Position => Interlocked.Read(ref _position);

    /// <summary>Whether <paramref name="key"/> was already received for <paramref name="projectId"/>.</summary>
    public bool Contains(string projectId, string key)
    {
        var length = Encoding.UTF8.GetByteCount(projectId) + 1 + Encoding.UTF8.GetByteCount(key);
        var rented = length <= 512 ? null : ArrayPool<byte>.Shared.Rent(length);
        var bytes = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        try
        {
            Encode(projectId, key, bytes);
            return _db.HasKey(bytes);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Per key, whether it was already received for <paramref name="projectId"/> (false for a null key): one RocksDB
    /// MultiGet for a whole request, which shares the filter and block lookups that one call per key repeats.
    /// </summary>
    public bool[] Contains(string projectId, IReadOnlyList<string?> keys)
    {
        var found = new bool[keys.Count];
        var asked = new List<int>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] is not null)
                asked.Add(i);
        }
        if (asked.Count == 0)
            return found;
        var encoded = new byte[asked.Count][];
        for (var i = 0; i < asked.Count; i++)
        {
            var key = keys[asked[i]]!;
            encoded[i] = new byte[Encoding.UTF8.GetByteCount(projectId) + 1 + Encoding.UTF8.GetByteCount(key)];
            Encode(projectId, key, encoded[i]);
        }
        // A stored key's value is empty but present; an absent key's is null.
        var values = _db.MultiGet(encoded);
        for (var i = 0; i < asked.Count; i++)
            found[asked[i]] = values[i].Value is not null;
        return found;
    }

    /// <summary>
    /// Adds the keys of the log entries that end at <paramref name="nextPosition"/>, once those entries are durable,
    /// in log order: the position stored with them claims every entry before it.
    /// </summary>
    public void Add(IEnumerable<(string ProjectId, string Key)> keys, long nextPosition)
    {
        if (nextPosition < Position)
            throw new ArgumentOutOfRangeException(nameof(nextPosition), $"Keys are added in log order: {nextPosition} is behind {Position}.");
        using var batch = new WriteBatch();
        var buffer = new byte[256];
        foreach (var (projectId, key) in keys)
        {
            var length = Encoding.UTF8.GetByteCount(projectId) + 1 + Encoding.UTF8.GetByteCount(key);
            if (buffer.Length < length)
                buffer = new byte[length];
            Encode(projectId, key, buffer);
            batch.Put(buffer.AsSpan(0, length), ReadOnlySpan<byte>.Empty);
        }
        var position = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(position, nextPosition);
        batch.Put(PositionKey.AsSpan(), position.AsSpan());
        _db.Write(batch, _noWal);
        Interlocked.Exchange(ref _position, nextPosition);
    }

    /// <summary>Adds the keys of an entry read back from the log.</summary>
    public void Add(LogRecord record)
    {
        var (projectId, keys) = LogEntryCodec.DecodeKeys(record.Payload.Span);
        Add(keys.Select(key => (projectId, key)), record.NextPosition);
    }

    /// <summary>
    /// Adds the keys of every durable log entry past <see cref="Position"/>: after a crash, the entries whose keys
    /// had not reached the index's disk. Bounded by the write buffer, not by history.
    /// </summary>
    /// <returns>How many entries were replayed.</returns>
    public int CatchUp(SegmentLog log)
    {
        var replayed = 0;
        foreach (var record in log.ReadFrom(Math.Max(Position, log.StartPosition)))
        {
            Add(record);
            replayed++;
        }
        return replayed;
    }

    /// <summary>
    /// Writes the buffered keys to disk and returns the position now durable in the index: the log may be truncated
    /// below it (and below the applier's checkpoint), never above.
    /// </summary>
    public long Checkpoint()
    {
        var position = Position;
        _db.Flush(_waitForFlush);
        return position;
    }

    /// <summary>Bytes of memory the block cache holds now (bounded by <see cref="KeyIndexOptions.BlockCacheBytes"/>).</summary>
    public long CacheBytes => (long)_cache.GetUsage();

    /// <inheritdoc />
    public void Dispose()
    {
        _db.Dispose();
        GC.KeepAlive(_options);
    }

    private static void Encode(string projectId, string key, Span<byte> destination)
    {
        var written = Encoding.UTF8.GetBytes(projectId, destination);
        destination[written] = 0;
        Encoding.UTF8.GetBytes(key, destination[(written + 1)..]);
    }
}
