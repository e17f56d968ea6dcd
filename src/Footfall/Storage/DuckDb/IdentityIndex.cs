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
/// <para>
/// It also holds every product touch by identifier ((identifier, seq) -> time, action, item): the rows of
/// <c>product_touches</c> a feed reads for one person. DuckDB's own index on that table stays in its buffer once read
/// and grows with the table (a 512MB buffer failed every apply at ~32M events, docs/benchmarks.md section 8); here a
/// person's touches are one key range behind the same bounded cache. They are written in the same batches, after the
/// commit, with the last seq they reach (<see cref="TouchPosition"/>), so a crash leaves them as of an earlier commit
/// and the store puts again every touch of <c>product_touches</c> past it. A link moves none (touches are kept by
/// identifier); an erasure deletes the erased identifiers' touches with their entries.
/// </para>
/// <para>
/// The same holds each impression and event of a tracked metric by identifier ((identifier, seq) -> time, project and
/// experience and variant, or action): what the writer re-derives a person's results rollups from. Their position is
/// <see cref="ResultPosition"/>; the store puts again the impressions of <c>events</c> and the rows of
/// <c>metric_events</c> past it at start, and a metric's back-fill is put and flushed before its commit.
/// </para>
/// <para>
/// With the touches, impressions and metric events, it holds every event's seq by identifier: the others' under their own
/// tag ((identifier, seq), no value). They are the rows an erasure deletes: DuckDB skips the row groups a list of seqs
/// does not reach (events are appended in seq order), where a delete by identifier reads every row group of the table
/// (1.1 s for <c>events</c> and 0.8 s for <c>product_touches</c> at 100M events, cold). Their position is
/// <see cref="EventPosition"/>; the store puts again every event past it that is not a touch at start.
/// </para>
/// </summary>
internal sealed class IdentityIndex : IDisposable
{
    // Memory whatever the history: the block cache (index, filter and data blocks) and two write buffers at most.
    private const long BlockCacheBytes = 32L << 20;
    private const long WriteBufferBytes = 16L << 20;
    private const int BloomBitsPerKey = 10;

    private const byte PositionTag = 0, KeyTag = 1, PersonTag = 2, TouchTag = 3, TouchPositionTag = 4, ResultPositionTag = 5, ExposureTag = 6,
        MetricEventTag = 7, EventTag = 8, EventPositionTag = 9;
    private static readonly byte[] PositionKey = [PositionTag];
    private static readonly byte[] TouchPositionKey = [TouchPositionTag];
    private static readonly byte[] ResultPositionKey = [ResultPositionTag];
    private static readonly byte[] EventPositionKey = [EventPositionTag];
    // Everything kept per identifier, each an (identifier, seq) range of its tag: what an erasure deletes.
    private static readonly byte[] RowTags = [TouchTag, ExposureTag, MetricEventTag, EventTag];

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

    /// <summary>The last <c>seq</c> of <c>product_touches</c> the index holds the touches up to; null when it holds none.</summary>
    public long? TouchPosition { get; private set; }

    /// <summary>The last event <c>seq</c> the index holds the impressions and metric events up to; null when it holds none.</summary>
    public long? ResultPosition { get; private set; }

    /// <summary>The last event <c>seq</c> the index holds every event's seq up to; null when it holds none.</summary>
    public long? EventPosition { get; private set; }

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

    /// <summary>
    /// Removes a person and every identifier the index holds for it, in a batch (erasure, or re-derivation). Their
    /// rows stay: rows are kept by identifier, so a link moves none; an erasure removes them with <see cref="ForgetRows"/>.
    /// </summary>
    public void Forget(WriteBatch batch, long person)
    {
        foreach (var (_, project, key) in Members(person))
            batch.Delete(KeyEntry(project, key));
        RemovePerson(batch, person);
    }

    /// <summary>Removes every touch, impression, metric event and event seq of the identifiers, in a batch.</summary>
    public void ForgetRows(WriteBatch batch, IEnumerable<long> idents)
    {
        foreach (var ident in idents)
            foreach (var tag in RowTags)
                foreach (var (entry, _) in Range(tag, ident))
                    batch.Delete(entry);
    }

    /// <summary>Adds a product touch of an identifier in a batch, under its <c>seq</c> (so a re-derived touch overwrites itself).</summary>
    public static void PutTouch(WriteBatch batch, long ident, long seq, DateTime time, string action, string item)
    {
        var actionBytes = Encoding.UTF8.GetBytes(action);
        var value = new byte[9 + actionBytes.Length + Encoding.UTF8.GetByteCount(item)];
        BinaryPrimitives.WriteInt64LittleEndian(value, time.Ticks);
        value[8] = checked((byte)actionBytes.Length);
        actionBytes.CopyTo(value, 9);
        Encoding.UTF8.GetBytes(item, value.AsSpan(9 + actionBytes.Length));
        batch.Put(RowEntry(TouchTag, ident, seq), value);
    }

    /// <summary>Adds the <c>seq</c> of an event no other tag keeps (not a touch, impression or metric event) in a batch.</summary>
    public static void PutEvent(WriteBatch batch, long ident, long seq) => batch.Put(RowEntry(EventTag, ident, seq), Array.Empty<byte>());

    /// <summary>The seqs of every event of the identifiers (every tag's), ascending.</summary>
    public List<long> EventSeqs(IEnumerable<long> idents)
    {
        var seqs = new SortedSet<long>();
        foreach (var ident in idents)
            foreach (var tag in RowTags)
                foreach (var (key, _) in Range(tag, ident))
                    seqs.Add(SeqOf(key));
        return [.. seqs];
    }

    /// <summary>Adds an impression of an identifier in a batch, under its event's <c>seq</c>.</summary>
    public static void PutExposure(WriteBatch batch, long ident, long seq, Exposure exposure) =>
        batch.Put(RowEntry(ExposureTag, ident, seq), Encode(exposure.Time, exposure.Project, exposure.Experience, exposure.Variant));

    /// <summary>Adds an event of a tracked metric of an identifier in a batch, under its <c>seq</c>.</summary>
    public static void PutMetricEvent(WriteBatch batch, long ident, long seq, MetricEvent metricEvent) =>
        batch.Put(RowEntry(MetricEventTag, ident, seq), Encode(metricEvent.Time, metricEvent.Project, metricEvent.Action));

    /// <summary>Every impression and metric event of the identifiers, by (identifier, seq).</summary>
    public (Dictionary<(long Ident, long Seq), Exposure> Exposures, Dictionary<(long Ident, long Seq), MetricEvent> MetricEvents) ResultRows(IEnumerable<long> idents)
    {
        var exposures = new Dictionary<(long, long), Exposure>();
        var metricEvents = new Dictionary<(long, long), MetricEvent>();
        foreach (var ident in idents)
        {
            foreach (var (key, value) in Range(ExposureTag, ident))
            {
                var (time, project, texts) = Decode(value, 2);
                exposures[(ident, SeqOf(key))] = new Exposure(project, texts[0], texts[1], time);
            }
            foreach (var (key, value) in Range(MetricEventTag, ident))
            {
                var (time, project, texts) = Decode(value, 1);
                metricEvents[(ident, SeqOf(key))] = new MetricEvent(project, texts[0], time);
            }
        }
        return (exposures, metricEvents);
    }

    /// <summary>An impression as results count it.</summary>
    public readonly record struct Exposure(int Project, string Experience, string Variant, DateTime Time);

    /// <summary>An event of an action some experience counts as a metric.</summary>
    public readonly record struct MetricEvent(int Project, string Action, DateTime Time);

    // Ticks, project, then each text with its byte length.
    private static byte[] Encode(DateTime time, int project, params string[] texts)
    {
        var value = new byte[12 + texts.Sum(t => 4 + Encoding.UTF8.GetByteCount(t))];
        BinaryPrimitives.WriteInt64LittleEndian(value, time.Ticks);
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(8), project);
        var at = 12;
        foreach (var text in texts)
        {
            var length = Encoding.UTF8.GetBytes(text, value.AsSpan(at + 4));
            BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(at), length);
            at += 4 + length;
        }
        return value;
    }

    private static (DateTime Time, int Project, string[] Texts) Decode(byte[] value, int count)
    {
        var texts = new string[count];
        var at = 12;
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(at));
            texts[i] = Encoding.UTF8.GetString(value, at + 4, length);
            at += 4 + length;
        }
        return (new DateTime(BinaryPrimitives.ReadInt64LittleEndian(value), DateTimeKind.Utc), BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(8)), texts);
    }

    private static long SeqOf(byte[] key) => BinaryPrimitives.ReadInt64BigEndian(key.AsSpan(9));

    /// <summary>Every touch of the identifiers, newest first ((time, seq) descending), as <c>product_touches</c> orders them.</summary>
    public List<(string Item, string Action, DateTime Time)> Touches(IEnumerable<long> idents) =>
        TouchRows(idents).OrderByDescending(t => t.Time).ThenByDescending(t => t.Seq).Select(t => (t.Item, t.Action, t.Time)).ToList();

    /// <summary>Every touch of the identifiers with its <c>seq</c>, in no order: one row of <c>product_touches</c> each.</summary>
    public List<(long Seq, string Item, string Action, DateTime Time)> TouchRows(IEnumerable<long> idents)
    {
        var touches = new List<(long Seq, string Item, string Action, DateTime Time)>();
        foreach (var ident in idents)
        {
            foreach (var (key, value) in Range(TouchTag, ident))
            {
                var actionLength = value[8];
                touches.Add((SeqOf(key), Encoding.UTF8.GetString(value, 9 + actionLength, value.Length - 9 - actionLength),
                    Encoding.UTF8.GetString(value, 9, actionLength), new DateTime(BinaryPrimitives.ReadInt64LittleEndian(value), DateTimeKind.Utc)));
            }
        }
        return touches;
    }

    /// <summary>An identifier's entries of one tag, in seq order: one key range.</summary>
    private List<(byte[] Key, byte[] Value)> Range(byte tag, long ident)
    {
        var prefix = RowEntry(tag, ident, 0).AsSpan(0, 9).ToArray();
        var entries = new List<(byte[], byte[])>();
        using var iterator = _db.NewIterator();
        for (iterator.Seek(prefix); iterator.Valid() && iterator.Key().AsSpan().StartsWith(prefix); iterator.Next())
            entries.Add((iterator.Key(), iterator.Value()));
        return entries;
    }

    /// <summary>
    /// Writes a batch that brings the index to <paramref name="generation"/> of <c>ident_log</c>, its touches up to
    /// <c>seq</c> <paramref name="touchedUpTo"/>, its impressions and metric events up to <paramref name="resultsUpTo"/>
    /// and its event seqs up to <paramref name="eventsUpTo"/>, each where given.
    /// </summary>
    public void Write(WriteBatch batch, long? generation, long? touchedUpTo = null, long? resultsUpTo = null, long? eventsUpTo = null)
    {
        if (generation is { } g)
            batch.Put(PositionKey, Number(g));
        if (touchedUpTo is { } t)
            batch.Put(TouchPositionKey, Number(t));
        if (resultsUpTo is { } r)
            batch.Put(ResultPositionKey, Number(r));
        if (eventsUpTo is { } e)
            batch.Put(EventPositionKey, Number(e));
        _db.Write(batch, _noWal);
        Position = generation ?? Position;
        TouchPosition = touchedUpTo ?? TouchPosition;
        ResultPosition = resultsUpTo ?? ResultPosition;
        EventPosition = eventsUpTo ?? EventPosition;
    }

    private static byte[] Number(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>
    /// A long load (a rebuild, a catch-up, a metric's back-fill) written in batches of 100,000 entries without moving a
    /// position: flushes keep the order of writes, so an index that holds the position written with the last batch
    /// (<see cref="Finish"/>) holds all of them.
    /// </summary>
    public sealed class Loader(IdentityIndex index) : IDisposable
    {
        private const int EntriesPerBatch = 100_000;
        private int _entries;

        /// <summary>The batch to put entries in; a new one after each <see cref="Added"/> that wrote it.</summary>
        public WriteBatch Batch { get; private set; } = new();

        /// <summary>Counts entries put in <see cref="Batch"/>, and writes it once it holds enough.</summary>
        public void Added(int entries = 1)
        {
            _entries += entries;
            if (_entries < EntriesPerBatch)
                return;
            index._db.Write(Batch, index._noWal);
            Batch.Dispose();
            Batch = new WriteBatch();
            _entries = 0;
        }

        /// <summary>Writes the rest with the positions the load brings the index to, where given.</summary>
        public void Finish(long? generation = null, long? touchedUpTo = null, long? resultsUpTo = null, long? eventsUpTo = null) =>
            index.Write(Batch, generation, touchedUpTo, resultsUpTo, eventsUpTo);

        /// <inheritdoc />
        public void Dispose() => Batch.Dispose();
    }

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
            .ForKeysInNoOrder()
            // Every table file opened at start, as RocksDB does with no cap: opened on first use, the 34 files of the
            // index at 100M events took 204 ms of the first erasure after a start (its first seeks), 0.8 ms later. One
            // descriptor a file (~64 MB each); the index and filter blocks stay in the bounded cache.
            .SetMaxOpenFiles(-1)
            .SetKeepLogFileNum(2)
            .SetBlockBasedTableFactory(table);
        var db = RocksDb.Open(options, folder);
        Position = db.Get(PositionKey) is { } stored ? BinaryPrimitives.ReadInt64LittleEndian(stored) : null;
        TouchPosition = db.Get(TouchPositionKey) is { } touched ? BinaryPrimitives.ReadInt64LittleEndian(touched) : null;
        ResultPosition = db.Get(ResultPositionKey) is { } results ? BinaryPrimitives.ReadInt64LittleEndian(results) : null;
        EventPosition = db.Get(EventPositionKey) is { } events ? BinaryPrimitives.ReadInt64LittleEndian(events) : null;
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

    // Big-endian numbers: an identifier's rows of a tag are one key range, in seq order.
    private static byte[] RowEntry(byte tag, long ident, long seq)
    {
        var entry = new byte[17];
        entry[0] = tag;
        BinaryPrimitives.WriteInt64BigEndian(entry.AsSpan(1), ident);
        BinaryPrimitives.WriteInt64BigEndian(entry.AsSpan(9), seq);
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
