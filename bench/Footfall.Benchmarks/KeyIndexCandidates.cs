using FASTER.core;
using Footfall.Ingest;
using Footfall.Storage;
using ZoneTree;
using ZoneTree.Options;

namespace Footfall.Benchmarks;

/// <summary>One way to keep every idempotency key received, as the key index benchmarks compare them.</summary>
internal interface IKeyIndexCandidate : IDisposable
{
    /// <summary>Adds one log entry's keys.</summary>
    void Add(IReadOnlyList<string> keys, long position);

    /// <summary>Whether the key was received.</summary>
    bool Contains(string key);

    /// <summary>Makes everything added durable, as before a clean stop.</summary>
    void Persist();
}

/// <summary>The candidates by name, each opening (or reopening) its files in a folder.</summary>
internal static class KeyIndexCandidates
{
    public const string Project = "bench";
    public static readonly string[] Names = ["memory", "rocksdb", "zonetree", "faster"];

    public static IKeyIndexCandidate Open(string name, string folder) => name switch
    {
        "memory" => new InMemoryHashes(),
        "rocksdb" => new RocksDbKeys(folder),
        "zonetree" => new ZoneTreeKeys(folder),
        "faster" => new FasterKvKeys(folder),
        _ => throw new ArgumentException($"Unknown candidate {name}; one of {string.Join(", ", Names)}."),
    };

    /// <summary>Today's index: 64-bit hashes in RAM (a hit is verified against the store), rebuilt at every start.</summary>
    private sealed class InMemoryHashes : IKeyIndexCandidate
    {
        private readonly EventKeyIndex _index = new();

        public void Add(IReadOnlyList<string> keys, long position)
        {
            foreach (var key in keys)
                _index.Add(EventKeyIndex.Hash(1, key));
        }

        public bool Contains(string key) => _index.MightContain(EventKeyIndex.Hash(1, key));

        public void Persist()
        {
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Footfall's <see cref="IdempotencyKeyIndex"/> with its default (bounded) memory.</summary>
    private sealed class RocksDbKeys(string folder) : IKeyIndexCandidate
    {
        private readonly IdempotencyKeyIndex _index = IdempotencyKeyIndex.Open(new KeyIndexOptions { Folder = folder });

        public void Add(IReadOnlyList<string> keys, long position) => _index.Add(keys.Select(k => (Project, k)), position);

        public bool Contains(string key) => _index.Contains(Project, key);

        public void Persist() => _index.Checkpoint();

        public void Dispose() => _index.Dispose();
    }

    /// <summary>ZoneTree 2.1.8, string keys, no write-ahead log (the ingest log is the one to replay).</summary>
    private sealed class ZoneTreeKeys : IKeyIndexCandidate
    {
        private readonly IZoneTree<string, byte> _tree;
        private readonly IMaintainer _maintainer;

        public ZoneTreeKeys(string folder)
        {
            _tree = new ZoneTreeFactory<string, byte>()
                .SetDataDirectory(folder)
                .ConfigureWriteAheadLogOptions(o => o.WriteAheadLogMode = WriteAheadLogMode.None)
                .OpenOrCreate();
            _maintainer = _tree.CreateMaintainer();
        }

        public void Add(IReadOnlyList<string> keys, long position)
        {
            foreach (var key in keys)
                _tree.Upsert(Project + "\0" + key, 1);
        }

        public bool Contains(string key) => _tree.ContainsKey(Project + "\0" + key);

        public void Persist()
        {
            _tree.Maintenance.MoveMutableSegmentForward();
            _tree.Maintenance.StartMergeOperation()?.Join();
            _maintainer.WaitForBackgroundThreads();
            _tree.Maintenance.SaveMetaData();
        }

        public void Dispose()
        {
            _maintainer.Dispose();
            _tree.Dispose();
        }
    }

    /// <summary>
    /// FASTER KV 2.6.5 over 64-bit hashes of the keys (its variable-length keys need unsafe code; a hit would be
    /// verified as today's in-memory index does). Its hash index is sized up front and lives in RAM.
    /// </summary>
    private sealed class FasterKvKeys : IKeyIndexCandidate
    {
        private readonly FasterKV<long, long> _store;
        private readonly ClientSession<long, long, long, long, Empty, SimpleFunctions<long, long>> _session;

        public FasterKvKeys(string folder)
        {
            _store = new FasterKV<long, long>(new FasterKVSettings<long, long>(folder, deleteDirOnDispose: false)
            {
                IndexSize = 1L << 26,
                MemorySize = 1L << 26,
                PageSize = 1L << 22,
                TryRecoverLatest = true,
                RemoveOutdatedCheckpoints = true,
            });
            _session = _store.For(new SimpleFunctions<long, long>()).NewSession<SimpleFunctions<long, long>>();
        }

        public void Add(IReadOnlyList<string> keys, long position)
        {
            foreach (var key in keys)
                _session.Upsert(EventKeyIndex.Hash(1, key), position);
        }

        public bool Contains(string key)
        {
            var hash = EventKeyIndex.Hash(1, key);
            long output = 0;
            var status = _session.Read(ref hash, ref output);
            if (status.IsPending)
            {
                _session.CompletePendingWithOutputs(out var outputs, wait: true);
                using (outputs)
                {
                    outputs.Next();
                    status = outputs.Current.Status;
                }
            }
            return status.Found;
        }

        public void Persist() => _store.TakeFullCheckpointAsync(CheckpointType.FoldOver).AsTask().GetAwaiter().GetResult();

        public void Dispose()
        {
            _session.Dispose();
            _store.Dispose();
        }
    }

    /// <summary>The <paramref name="n"/>th key of the benchmarks' key stream: UUID-sized, as SDKs send them.</summary>
    public static string Key(long n) => "0b7c" + n.ToString("D12", System.Globalization.CultureInfo.InvariantCulture) + "-4e2a-9f1d-5c3b8a7e6d21";

    /// <summary>A key of the same shape that is never added.</summary>
    public static string AbsentKey(long n) => "ffff" + n.ToString("D12", System.Globalization.CultureInfo.InvariantCulture) + "-4e2a-9f1d-5c3b8a7e6d21";

    public static long FolderBytes(string folder) =>
        Directory.Exists(folder) ? new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}
