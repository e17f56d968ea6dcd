using System.Buffers.Binary;
using System.Text;
using Footfall.Ingest;
using RocksDbSharp;

namespace Footfall.Storage.DuckDb;

/// <summary>
/// The identity map's point look-ups, derived from the <c>idents</c> table: (project, identifier key) -> (identifier
/// number, person) and person -> the list of its identifiers (one value), in RocksDB on disk behind a bounded block
/// cache with bloom filters, so a look-up costs the same whatever the number of identifiers, and a new identifier
/// mostly costs no disk read.
/// <para>
/// Why it cannot serve a wrong person. <c>idents</c> stays the truth, changed inside DuckDB's transactions; each
/// transaction that changes it adds rows (generation, person) to <c>ident_log</c> for every person it creates, merges
/// or erases. The index is written only after that commit, in one write batch with the generation it reaches
/// (<see cref="Position"/>), without a write-ahead log; RocksDB flushes write buffers in the order of writes, so what
/// a crash leaves on disk is the index as of some earlier generation, never a part of one. <see cref="Checkpoint"/>
/// makes it durable, and <c>ident_log</c> is trimmed only below a durable position, so at start the store re-derives
/// every person logged after the index's position: <see cref="Forget"/>, then the person's rows read back from
/// <c>idents</c>. A batch that rolls back logs and writes nothing; a link logs both persons, drops the absorbed one's
/// list and re-keys every identifier of the kept one; an erasure logs the person and deletes its entries, and the
/// compaction every erasure leads to (at shutdown or the next start) rewrites the index's files with the database file.
/// A write that fails after a commit stops the store until a restart has caught the index up.
/// </para>
/// </summary>
internal sealed class IdentityIndex : IDisposable
{
    // Memory whatever the history: the block cache (index, filter and data blocks) and two write buffers at most.
    private const long BlockCacheBytes = 32L << 20;
    private const long WriteBufferBytes = 16L << 20;
    private const int BloomBitsPerKey = 10;

    private const byte PositionTag = 0, KeyTag = 1, PersonTag = 2;
    private static readonly byte[] PositionKey = [PositionTag];

    private readonly string _folder;
    private readonly WriteOptions _noWal = new WriteOptions().DisableWal(1);
    private readonly FlushOptions _waitForFlush = new FlushOptions().SetWaitForFlush(true);
    private RocksDb _db;
    // The native options and cache the database was opened with must outlive it.
    private DbOptions _options;
    private Cache _cache;

    private IdentityIndex(string folder)
    {
        _folder = folder;
        (_db, _options, _cache) = OpenDb(folder);
    }

    /// <summary>Opens (or creates) the index in <paramref name="folder"/>.</summary>
    public static IdentityIndex Open(string folder) => new(folder);

    /// <summary>The generation of <c>ident_log</c> the index reflects; null for an index never written (a new folder).</summary>
    public long? Position { get; private set; }

    /// <summary>The identifier number and person of each key, or null where the key is not stored.</summary>
    public (long Id, long Person)?[] Find(int project, IReadOnlyList<string> keys)
    {
        var found = new (long, long)?[keys.Count];
        if (keys.Count == 0)
            return found;
        var values = _db.MultiGet(keys.Select(key => KeyEntry(project, key)).ToArray());
        for (var i = 0; i < keys.Count; i++)
        {
            if (values[i].Value is { } value)
                found[i] = (BinaryPrimitives.ReadInt64LittleEndian(value), BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(8)));
        }
        return found;
    }

    /// <summary>Every identifier of a person, in the order of their numbers (empty when the person is not stored).</summary>
    public List<(long Id, int Project, string Key)> Members(long person) => Members([person])[0];

    /// <summary>Every identifier of each person: one MultiGet for a batch's persons, as <see cref="Find"/> for its keys.</summary>
    public List<(long Id, int Project, string Key)>[] Members(IReadOnlyList<long> persons)
    {
        var members = new List<(long, int, string)>[persons.Count];
        var values = persons.Count == 0 ? [] : _db.MultiGet(persons.Select(PersonEntry).ToArray());
        for (var i = 0; i < persons.Count; i++)
            members[i] = values[i].Value is { } value ? DecodeMembers(value) : [];
        return members;
    }

    /// <summary>Adds (or re-keys) an identifier's entry in a batch.</summary>
    public static void PutIdentifier(WriteBatch batch, long id, int project, string key, long person)
    {
        var value = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(value, id);
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(8), person);
        batch.Put(KeyEntry(project, key), value);
    }

    /// <summary>Writes a person's whole list of identifiers in a batch (a person is one value, read by one point look-up).</summary>
    public static void PutPerson(WriteBatch batch, long person, IEnumerable<(long Id, int Project, string Key)> members)
    {
        var value = new List<byte>();
        Span<byte> number = stackalloc byte[8];
        foreach (var (id, project, key) in members.OrderBy(m => m.Id))
        {
            BinaryPrimitives.WriteInt64LittleEndian(number, id);
            value.AddRange(number);
            BinaryPrimitives.WriteInt32LittleEndian(number, project);
            value.AddRange(number[..4]);
            var bytes = Encoding.UTF8.GetBytes(key);
            BinaryPrimitives.WriteInt32LittleEndian(number, bytes.Length);
            value.AddRange(number[..4]);
            value.AddRange(bytes);
        }
        batch.Put(PersonEntry(person), value.ToArray());
    }

    /// <summary>Removes a person's list in a batch (it was absorbed by a link; its identifiers moved to another person).</summary>
    public static void RemovePerson(WriteBatch batch, long person) => batch.Delete(PersonEntry(person));

    /// <summary>Removes a person and every identifier the index holds for it, in a batch (erasure, or re-derivation).</summary>
    public void Forget(WriteBatch batch, long person)
    {
        foreach (var (_, project, key) in Members(person))
            batch.Delete(KeyEntry(project, key));
        RemovePerson(batch, person);
    }

    /// <summary>Writes a batch that brings the index to <paramref name="generation"/> of <c>ident_log</c>.</summary>
    public void Write(WriteBatch batch, long generation)
    {
        var position = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(position, generation);
        batch.Put(PositionKey, position);
        _db.Write(batch, _noWal);
        Position = generation;
    }

    /// <summary>Writes a batch without moving <see cref="Position"/> (part of a rebuild).</summary>
    public void Load(WriteBatch batch) => _db.Write(batch, _noWal);

    /// <summary>Writes what is buffered to disk and returns the generation now durable: <c>ident_log</c> may be trimmed below it.</summary>
    public long Checkpoint()
    {
        var position = Position ?? 0;
        _db.Flush(_waitForFlush);
        return position;
    }

    /// <summary>
    /// Rewrites every file so that no deleted entry (an erased person's identifiers) stays on disk, then reopens the
    /// database: RocksDB's manifest names the first and last key of each file it ever listed until it starts a new one.
    /// </summary>
    public void Compact()
    {
        _db.Flush(_waitForFlush);
        _db.CompactRange((byte[]?)null, null);
        Reopen(delete: false);
    }

    /// <summary>Empties the index, for a rebuild from <c>idents</c>.</summary>
    public void Clear() => Reopen(delete: true);

    private void Reopen(bool delete)
    {
        Dispose();
        if (delete)
            Directory.Delete(_folder, recursive: true);
        (_db, _options, _cache) = OpenDb(_folder);
    }

    private (RocksDb, DbOptions, Cache) OpenDb(string folder)
    {
        Directory.CreateDirectory(folder);
        var cache = Cache.CreateLru(BlockCacheBytes);
        // As the idempotency key index: index and filter blocks live in the bounded cache, partitioned.
        var table = new BlockBasedTableOptions()
            .SetBlockCache(cache)
            .SetFilterPolicy(BloomFilterPolicy.Create(BloomBitsPerKey, false))
            .SetCacheIndexAndFilterBlocks(true)
            .SetPinL0FilterAndIndexBlocksInCache(true)
            .SetWholeKeyFiltering(true)
            .Partitioned();
        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .SetWriteBufferSize(WriteBufferBytes)
            .SetMaxWriteBufferNumber(2)
            .SetMaxOpenFiles(256)
            .SetKeepLogFileNum(2)
            .SetBlockBasedTableFactory(table);
        var db = RocksDb.Open(options, folder);
        var stored = db.Get(PositionKey);
        Position = stored is null ? null : BinaryPrimitives.ReadInt64LittleEndian(stored);
        return (db, options, cache);
    }

    private static byte[] KeyEntry(int project, string key)
    {
        var entry = new byte[5 + Encoding.UTF8.GetByteCount(key)];
        entry[0] = KeyTag;
        BinaryPrimitives.WriteInt32BigEndian(entry.AsSpan(1), project);
        Encoding.UTF8.GetBytes(key, entry.AsSpan(5));
        return entry;
    }

    private static byte[] PersonEntry(long person)
    {
        var entry = new byte[9];
        entry[0] = PersonTag;
        BinaryPrimitives.WriteInt64BigEndian(entry.AsSpan(1), person);
        return entry;
    }

    private static List<(long Id, int Project, string Key)> DecodeMembers(byte[] value)
    {
        var members = new List<(long, int, string)>();
        for (var at = 0; at < value.Length;)
        {
            var id = BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(at));
            var project = BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(at + 8));
            var length = BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(at + 12));
            members.Add((id, project, Encoding.UTF8.GetString(value, at + 16, length)));
            at += 16 + length;
        }
        return members;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _db.Dispose();
        GC.KeepAlive(_options);
        GC.KeepAlive(_cache);
    }
}
