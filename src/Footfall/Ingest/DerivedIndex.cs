using Microsoft.Extensions.Logging;
using RocksDbSharp;

namespace Footfall.Ingest;

/// <summary>
/// The RocksDB indexes in a data folder (the idempotency keys, DuckDB's identity index) hold nothing the store and the
/// log do not: one that RocksDB finds damaged is deleted and rebuilt, instead of refusing every start. Not kept aside:
/// it holds people's identifiers, which an erasure would not reach there.
/// </summary>
internal static class DerivedIndex
{
    /// <summary>
    /// Opens the index in <paramref name="folder"/>; if RocksDB reports corruption, deletes the folder and opens a new,
    /// empty one (<paramref name="deleted"/> true: the caller rebuilds it).
    /// </summary>
    public static T OpenOrRebuild<T>(string folder, Func<string, T> open, ILogger logger, string what, out bool deleted)
    {
        deleted = false;
        try
        {
            return open(folder);
        }
        catch (RocksDbException ex) when (ex.Message.StartsWith("Corruption", StringComparison.Ordinal))
        {
            Directory.Delete(folder, recursive: true);
            logger.LogWarning("The {What} in {Folder} was damaged ({Reason}); it was deleted and is rebuilt from the store", what, folder, ex.Message);
            deleted = true;
            return open(folder);
        }
    }
}
