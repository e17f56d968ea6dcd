namespace Footfall.Storage;

/// <summary>
/// An operation the store refuses because it would exceed a configured bound (its message names the bound and how to
/// change it). The store itself is fine: unlike <see cref="StoreUnavailableException"/>, retrying does not help.
/// </summary>
/// <remarks>Its inner exception, whose message may quote data, is not shown.</remarks>
public sealed class StoreLimitException(string message, Exception? inner = null) : Exception(message, inner);
