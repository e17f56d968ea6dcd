namespace Footfall.Storage;

/// <summary>
/// An operation the store refuses because it would exceed a configured bound (its message names the bound and how to
/// change it). The store itself is fine: unlike <see cref="StoreUnavailableException"/>, retrying does not help.
/// </summary>
public sealed class StoreLimitException : Exception
{
    /// <summary>A refusal whose message names the bound.</summary>
    public StoreLimitException(string message)
        : base(message)
    {
    }

    /// <summary>A bound the store ran into (<paramref name="inner"/>, whose message may quote data, is not shown).</summary>
    public StoreLimitException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
