namespace Footfall.Storage;

/// <summary>
/// A read the store refuses because it would exceed a configured bound (its message names the bound and how to change
/// it). The store itself is fine: unlike <see cref="StoreUnavailableException"/>, retrying does not help.
/// </summary>
public sealed class StoreLimitException(string message) : Exception(message);
