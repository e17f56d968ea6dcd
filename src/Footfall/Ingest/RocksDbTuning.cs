using System.Runtime.InteropServices;
using RocksDbSharp;

namespace Footfall.Ingest;

/// <summary>The settings the RocksDB indexes share (the idempotency key index and the identity index).</summary>
internal static class RocksDbTuning
{
    /// <summary>
    /// Partitioned bloom filters and a two-level index, which the managed RocksDB wrapper has no setters for. Without
    /// them a table's filter is one block as large as 1.25 bytes a key: held in the bounded cache it is evicted and
    /// re-read whole (a lookup at 10M keys then took milliseconds); held outside it, memory grows with history. With
    /// them only the small top level stays pinned and filter partitions come and go through the cache.
    /// </summary>
    public static BlockBasedTableOptions Partitioned(this BlockBasedTableOptions table)
    {
        table.SetIndexType(BlockBasedTableIndexType.TwoLevelIndex);
        SetPartitionFilters(table.Handle, 1);
        SetPinTopLevelIndexAndFilter(table.Handle, 1);
        SetCacheIndexAndFilterBlocksWithHighPriority(table.Handle, 1);
        SetMetadataBlockSize(table.Handle, 4096);
        return table;
    }

    /// <summary>
    /// For keys written in no order (random event ids; the identifiers of returning persons): each compaction out of L0
    /// rewrites all of the level below it overlaps, and what a new key costs grows with the index. Under ingest load at
    /// 100M events that compaction took 20% of the server's CPU for the key index (8% at 1M) and 13% for the identity
    /// index (5% at 1M). Sixteen flushes per push instead of four: in 90 s of load at 100M the identity index then spent
    /// 60-75% less CPU compacting (docs/benchmarks.md section 8). Reads check up to sixteen small L0 files, whose index
    /// and filter blocks stay pinned in the cache (a person's first feed read took as long). Writes slow and stop at
    /// twice and three times that.
    /// </summary>
    public static DbOptions ForKeysInNoOrder(this DbOptions options) => options
        .SetLevel0FileNumCompactionTrigger(16)
        .SetLevel0SlowdownWritesTrigger(32)
        .SetLevel0StopWritesTrigger(48);

    // The library the wrapper already loaded (runtimes/<rid>/native/librocksdb.so), resolved the same way.
    [DllImport("rocksdb", EntryPoint = "rocksdb_block_based_options_set_partition_filters")]
    private static extern void SetPartitionFilters(IntPtr options, byte value);

    [DllImport("rocksdb", EntryPoint = "rocksdb_block_based_options_set_pin_top_level_index_and_filter")]
    private static extern void SetPinTopLevelIndexAndFilter(IntPtr options, byte value);

    [DllImport("rocksdb", EntryPoint = "rocksdb_block_based_options_set_cache_index_and_filter_blocks_with_high_priority")]
    private static extern void SetCacheIndexAndFilterBlocksWithHighPriority(IntPtr options, byte value);

    [DllImport("rocksdb", EntryPoint = "rocksdb_block_based_options_set_metadata_block_size")]
    private static extern void SetMetadataBlockSize(IntPtr options, ulong size);
}
