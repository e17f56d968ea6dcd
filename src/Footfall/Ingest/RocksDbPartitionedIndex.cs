using System.Runtime.InteropServices;
using RocksDbSharp;

namespace Footfall.Ingest;

/// <summary>
/// Partitioned bloom filters and a two-level index, which the managed RocksDB wrapper has no setters for. Without
/// them a table's filter is one block as large as 1.25 bytes a key: held in the bounded cache it is evicted and
/// re-read whole (a lookup at 10M keys then took milliseconds); held outside it, memory grows with history. With
/// them only the small top level stays pinned and filter partitions come and go through the cache.
/// </summary>
internal static class RocksDbPartitionedIndex
{
    public static BlockBasedTableOptions Partitioned(this BlockBasedTableOptions table)
    {
        table.SetIndexType(BlockBasedTableIndexType.TwoLevelIndex);
        SetPartitionFilters(table.Handle, 1);
        SetPinTopLevelIndexAndFilter(table.Handle, 1);
        SetCacheIndexAndFilterBlocksWithHighPriority(table.Handle, 1);
        SetMetadataBlockSize(table.Handle, 4096);
        return table;
    }

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
