namespace Footfall.Storage;

/// <summary>
/// The store holds a schema newer than this binary knows: a newer Footfall has migrated it. Opening it would read
/// or write tables this version does not understand, so the server refuses to start (exit code 2) instead of
/// answering 503 and being restarted into the same refusal by a supervisor.
/// </summary>
public sealed class StoreVersionException(int stored, int known)
    : Exception($"the store has schema version {stored}, but this Footfall knows versions up to {known}: run the newer Footfall that wrote it (or restore a backup taken before it)")
{
    /// <summary>The schema version the store holds.</summary>
    public int Stored { get; } = stored;

    /// <summary>The newest schema version this binary can migrate to.</summary>
    public int Known { get; } = known;
}
