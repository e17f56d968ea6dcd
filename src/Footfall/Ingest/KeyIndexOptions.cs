namespace Footfall.Ingest;

/// <summary>Where the idempotency key index lives and the memory it may use, whatever the history.</summary>
public sealed class KeyIndexOptions
{
    /// <summary>The index's folder (created if missing).</summary>
    public required string Folder { get; init; }

    /// <summary>
    /// The cache of index blocks, bloom filters and data blocks read from disk. Lookups of keys whose blocks are
    /// not cached read the disk; memory does not grow with the number of keys.
    /// </summary>
    public long BlockCacheBytes { get; init; } = 64L << 20;

    /// <summary>The in-memory write buffer; two of them at most (one filling, one being flushed).</summary>
    public long WriteBufferBytes { get; init; } = 32L << 20;

    /// <summary>Bloom filter bits per key: 10 lets through ~1% of absent keys to a disk read.</summary>
    public int BloomBitsPerKey { get; init; } = 10;

    /// <summary>Fails with a clear message on a setting that cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Folder))
            throw new ArgumentException("The key index folder is required.", nameof(Folder));
        if (BlockCacheBytes < 1 << 20 || WriteBufferBytes < 1 << 20)
            throw new ArgumentException("The key index needs at least 1 MiB of block cache and of write buffer.");
        if (BloomBitsPerKey is < 1 or > 30)
            throw new ArgumentException($"BloomBitsPerKey must be 1 to 30, not {BloomBitsPerKey}.", nameof(BloomBitsPerKey));
    }
}
