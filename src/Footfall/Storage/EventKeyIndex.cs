namespace Footfall.Storage;

/// <summary>
/// A memory-light index of the idempotency keys stored: 64-bit hashes of (project, key) in an open-addressing
/// table, 8 bytes a key. A miss proves a key is new; a hit is verified against storage, so a hash collision
/// can never drop an event.
/// </summary>
internal sealed class EventKeyIndex
{
    private long[] _slots = new long[1 << 16];
    private int _count;

    /// <summary>How many keys are indexed.</summary>
    public int Count => _count;

    /// <summary>The hash of (project, key). Zero is reserved for an empty slot.</summary>
    public static long Hash(int project, string key)
    {
        // FNV-1a over the project number and the key's UTF-16 units, then a final avalanche.
        ulong h = 14695981039346656037UL ^ (uint)project;
        h *= 1099511628211UL;
        foreach (var c in key)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        return h == 0 ? 1 : (long)h;
    }

    /// <summary>Whether a key with this hash may be stored.</summary>
    public bool MightContain(long hash)
    {
        var mask = _slots.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            if (slot == hash) return true;
            if (slot == 0) return false;
        }
    }

    /// <summary>Adds a hash.</summary>
    public void Add(long hash)
    {
        if ((_count + 1) * 2 > _slots.Length)
            Grow();
        if (Insert(_slots, hash))
            _count++;
    }

    /// <summary>Forgets every hash.</summary>
    public void Clear()
    {
        _slots = new long[1 << 16];
        _count = 0;
    }

    private static bool Insert(long[] slots, long hash)
    {
        var mask = slots.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            if (slots[i] == hash) return false;
            if (slots[i] == 0)
            {
                slots[i] = hash;
                return true;
            }
        }
    }

    private void Grow()
    {
        var bigger = new long[_slots.Length * 2];
        foreach (var h in _slots)
        {
            if (h != 0) Insert(bigger, h);
        }
        _slots = bigger;
    }
}
