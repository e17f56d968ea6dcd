namespace Footfall.Storage;

/// <summary>How long a store call may take (configuration section <c>Store</c>): past it the call fails as unavailable.</summary>
public sealed class StoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Store";

    /// <summary>
    /// The deadline of every store call that serves a request or a commit (<c>Store:Timeout</c>, <c>--store-timeout</c>
    /// in seconds). A commit that misses it answers 503 with Retry-After; a paused store must not hold clients for
    /// the HTTP client's minutes.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The deadline of calls that scan history (results, timelines, model rebuilds, erasure, start-up), which grow
    /// with the data (<c>Store:ScanTimeout</c>).
    /// </summary>
    public TimeSpan ScanTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The deadline of one batch of the log's applier (<c>Store:ApplyTimeout</c>): thousands of rows in several
    /// inserts, answered to no client, so a loaded store gets longer than a request's call before the batch is retried.
    /// </summary>
    public TimeSpan ApplyTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws with a message naming the bad option.</summary>
    public void Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5))
            throw new ArgumentException($"Store:Timeout (--store-timeout) must be more than 0 and at most 5 minutes, not {Timeout}");
        if (ScanTimeout < Timeout || ScanTimeout > TimeSpan.FromHours(24))
            throw new ArgumentException($"Store:ScanTimeout must be at least Store:Timeout ({Timeout}) and at most 24 hours, not {ScanTimeout}");
        if (ApplyTimeout < Timeout || ApplyTimeout > TimeSpan.FromHours(1))
            throw new ArgumentException($"Store:ApplyTimeout must be at least Store:Timeout ({Timeout}) and at most 1 hour, not {ApplyTimeout}");
    }
}
