namespace Footfall.Client;

/// <summary>
/// Settings of <see cref="FootfallClient"/> and <see cref="FootfallReadClient"/>. Only <see cref="Host"/> and
/// <see cref="ProjectId"/> are required for tracking; reads need <see cref="SecretKey"/> too.
/// </summary>
/// <remarks>
/// When the server cannot be reached, events wait in memory and are retried until it comes back. Memory is bounded:
/// at most <see cref="MaxQueuedEvents"/> events wait in the queue, plus one batch of at most <see cref="BatchSize"/>
/// being sent. When the queue is full, <b>the newest event is refused</b>: <see cref="FootfallClient.Track(FootfallEvent)"/>
/// returns false and <see cref="FootfallClient.DroppedEvents"/> grows. Refusing the newest keeps what is delivered a
/// contiguous history up to the outage, and tells the caller at the moment it happens.
/// </remarks>
public sealed class FootfallClientOptions
{
    /// <summary>The server's base URL, e.g. <c>http://localhost:8080</c>. Required.</summary>
    public string Host { get; set; } = "";

    /// <summary>The public project id that ingest calls send as <c>X-Project-Id</c>. Required for tracking.</summary>
    public string ProjectId { get; set; } = "";

    /// <summary>The project's secret key, sent as a bearer token on reads and erasure. Never needed for tracking.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Events per request, 1-1000 (the server's limit). Default 100. A full batch is sent at once.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long an event may wait for its batch to fill before it is sent anyway. Default 2 seconds.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Events that may wait in memory; past it the newest is refused and counted. Default 10,000.</summary>
    public int MaxQueuedEvents { get; set; } = 10_000;

    /// <summary>The first retry's delay; each later one doubles, with jitter. Default 500 ms.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between retries (a server's <c>Retry-After</c> may ask for more). Default 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one tracking request may take before it is retried. Default 30 seconds. (Reads use the HttpClient's Timeout.)</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long disposal waits for the queue to drain. Events still undelivered after it are counted in
    /// <see cref="FootfallClient.DroppedEvents"/>. Default 10 seconds.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Called (on the background sender) when the server refuses events for good: a 4xx other than 429, or an
    /// event rejected by validation. Such events are never retried. Exceptions it throws are caught and logged.
    /// </summary>
    public Action<DeliveryFailure>? OnDeliveryFailure { get; set; }

    /// <summary>The problems with these settings, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate(bool forTracking = true)
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(Host, UriKind.Absolute, out var host) || host.Scheme is not ("http" or "https"))
            problems.Add($"Host must be an absolute http or https URL (got '{Host}')");
        if (forTracking && string.IsNullOrWhiteSpace(ProjectId))
            problems.Add("ProjectId is required: the public id of the project to track into");
        if (BatchSize is < 1 or > 1000)
            problems.Add($"BatchSize must be 1-1000 (got {BatchSize})");
        if (FlushInterval <= TimeSpan.Zero)
            problems.Add("FlushInterval must be positive");
        if (MaxQueuedEvents < 1)
            problems.Add($"MaxQueuedEvents must be at least 1 (got {MaxQueuedEvents})");
        if (InitialRetryDelay <= TimeSpan.Zero || MaxRetryDelay < InitialRetryDelay)
            problems.Add("InitialRetryDelay must be positive and at most MaxRetryDelay");
        if (RequestTimeout <= TimeSpan.Zero)
            problems.Add("RequestTimeout must be positive");
        if (ShutdownTimeout < TimeSpan.Zero)
            problems.Add("ShutdownTimeout must not be negative");
        return problems;
    }

    /// <summary>Throws when the settings are unusable, naming every problem at once.</summary>
    internal void ThrowIfInvalid(bool forTracking)
    {
        var problems = Validate(forTracking);
        if (problems.Count > 0)
            throw new ArgumentException("Footfall client options are invalid: " + string.Join("; ", problems));
    }

    /// <summary>The host as a base address; a trailing slash is added so relative paths append rather than replace.</summary>
    internal Uri BaseAddress => new(Host.EndsWith('/') ? Host : Host + "/");
}
