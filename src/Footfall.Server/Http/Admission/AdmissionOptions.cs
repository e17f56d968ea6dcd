namespace Footfall.Server.Http.Admission;

/// <summary>
/// Admission of ingest requests before their body is read (configuration section <c>Admission</c>). Past either
/// bound a request is answered 503 (429 on Segment's routes) with <c>Retry-After</c> at once.
/// </summary>
public sealed class AdmissionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Admission";

    /// <summary>The largest body one ingest route takes; one request alone is always admitted.</summary>
    private const long LargestBody = Footfall.Events.EventLimits.MaxBodyBytes;

    /// <summary>
    /// Bytes of ingest request bodies in flight at once: being read, parsed, or waiting for the log. A body's
    /// <c>Content-Length</c> counts from admission; a chunked or gzip body counts as it is read. Bounds memory.
    /// </summary>
    public long MaxBytesInFlight { get; set; } = 32L << 20;

    /// <summary>
    /// How long the oldest request may have waited for its acknowledgement (from the end of its body to durable in
    /// the log, or to the commit without the log) before new ones are refused. Bounds the latency of what is accepted.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Throws with a message naming the bad option.</summary>
    public void Validate()
    {
        if (MaxBytesInFlight < 2 * LargestBody)
            throw new ArgumentException($"Admission:MaxBytesInFlight must be at least {2 * LargestBody} (two of the largest bodies), not {MaxBytesInFlight}");
        if (MaxQueueDelay <= TimeSpan.Zero || MaxQueueDelay > TimeSpan.FromMinutes(1))
            throw new ArgumentException($"Admission:MaxQueueDelay must be between 0 and 1 min, not {MaxQueueDelay}");
    }
}
