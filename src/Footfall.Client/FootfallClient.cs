using Footfall.Client.Delivery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Client;

/// <summary>
/// Server-side tracking into Footfall. <see cref="Track(FootfallEvent)"/> never blocks and never throws for delivery
/// problems: events go to a bounded in-memory queue that a background loop sends in batches, retrying network
/// errors, 5xx and 429 with exponential backoff and jitter (honouring <c>Retry-After</c>) until the server answers.
/// Every event carries an idempotency id, so a retry is never stored twice. Refusals the server means (other 4xx,
/// invalid events) go to <see cref="FootfallClientOptions.OnDeliveryFailure"/> and the log. Create one per process
/// (it is thread-safe) and dispose it at shutdown to send what is left.
/// </summary>
/// <example>
/// <code>
/// await using var footfall = new FootfallClient(new FootfallClientOptions { Host = "http://localhost:8080", ProjectId = "p_..." });
/// footfall.Purchase(PersonId.User("u-42"), "sku-1", price: 19.90m, quantity: 2);
/// await footfall.FlushAsync();
/// </code>
/// </example>
public sealed class FootfallClient : IAsyncDisposable, IDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> that <c>AddFootfall</c> registers, to add handlers to it.</summary>
    public const string HttpClientName = "Footfall";

    private readonly DeliveryCounters _counters = new();
    private readonly BatchSender _sender;
    private readonly HttpClient? _owned;

    /// <summary>A client with its own <see cref="HttpClient"/>; for programs without dependency injection.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public FootfallClient(FootfallClientOptions options, ILogger<FootfallClient>? logger = null)
        : this(options, logger, OwnHttpClient(options))
    {
    }

    /// <summary>A client that sends through <paramref name="httpClient"/> (its base address is not used).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public FootfallClient(FootfallClientOptions options, HttpClient httpClient, ILogger<FootfallClient>? logger = null)
        : this(options, logger, () => httpClient, owned: null)
    {
    }

    /// <summary>A client that takes a fresh <see cref="HttpClient"/> named <see cref="HttpClientName"/> per request.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public FootfallClient(FootfallClientOptions options, IHttpClientFactory httpClientFactory, ILogger<FootfallClient>? logger = null)
        : this(options, logger, FromFactory(httpClientFactory), owned: null)
    {
    }

    private FootfallClient(FootfallClientOptions options, ILogger? logger, HttpClient owned)
        : this(options, logger, () => owned, owned)
    {
    }

    private FootfallClient(FootfallClientOptions options, ILogger? logger, Func<HttpClient> http, HttpClient? owned)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid(forTracking: true);
        _owned = owned;
        _sender = new BatchSender(options, http, _counters, logger ?? NullLogger.Instance);
    }

    /// <summary>Events accepted by <see cref="Track(FootfallEvent)"/> and not yet answered for by the server.</summary>
    public long QueuedEvents => _sender.Pending;

    /// <summary>Events the server has stored (including ones it already had: a retry is still a delivery).</summary>
    public long DeliveredEvents => _counters.Delivered;

    /// <summary>Events the server refused for good (reported through <see cref="FootfallClientOptions.OnDeliveryFailure"/>).</summary>
    public long FailedEvents => _counters.Failed;

    /// <summary>
    /// Events never sent: refused because the queue held <see cref="FootfallClientOptions.MaxQueuedEvents"/>, tracked
    /// after disposal, or still undelivered when <see cref="FootfallClientOptions.ShutdownTimeout"/> ran out.
    /// </summary>
    public long DroppedEvents => _counters.Dropped;

    /// <summary>Queues an event for delivery.</summary>
    /// <returns>False when it was dropped because the queue is full or the client is disposed.</returns>
    public bool Track(FootfallEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return _sender.TryEnqueue(EventJson.Serialize(e));
    }

    /// <summary>Queues a custom event: <paramref name="action"/> by <paramref name="person"/>, with optional params and label.</summary>
    /// <returns>False when it was dropped because the queue is full or the client is disposed.</returns>
    public bool Track(string action, PersonId person, IReadOnlyDictionary<string, object?>? parameters = null, string? label = null) =>
        Track(new FootfallEvent(action, person) { Params = parameters, Label = label });

    /// <summary>
    /// Links a guest id to a user id (<c>POST /v1/identify</c>), e.g. at sign-in: the guest's events, earlier and later,
    /// become the user's. Queued in order with the events, so events tracked before it are sent before it. A guest
    /// that already belongs to another user is not linked (the server's link rule answers 409, reported as a
    /// delivery failure, never retried); merging two users takes <c>POST /v1/people/merge</c> with the secret key.
    /// </summary>
    /// <returns>False when it was dropped because the queue is full or the client is disposed.</returns>
    public bool Identify(string guestId, string userId)
    {
        var person = PersonId.Both(guestId, userId);
        return _sender.TryEnqueue(EventJson.Link(person.GuestId!, person.UserId!));
    }

    /// <summary>
    /// Sends everything tracked before this call now, and completes when the server has answered for all of it.
    /// While the server is unreachable it keeps waiting: pass a token to bound the wait.
    /// </summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _sender.FlushAsync(cancellationToken);

    /// <summary>Sends what is queued, waiting at most <see cref="FootfallClientOptions.ShutdownTimeout"/>, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        await _sender.DisposeAsync();
        _owned?.Dispose();
    }

    /// <summary>Blocking form of <see cref="DisposeAsync"/>, for containers that dispose synchronously.</summary>
    // Run on the pool so that blocking here cannot deadlock a caller holding a single-threaded SynchronizationContext.
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    private static Func<HttpClient> FromFactory(IHttpClientFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        HttpClient? last = null;
        return () =>
        {
            try
            {
                return last = factory.CreateClient(HttpClientName);
            }
            catch (ObjectDisposedException) when (last is not null)
            {
                // A container marks itself disposed before it disposes us, so the final drain cannot ask the factory
                // for a client; the last one it gave still holds a live handler.
                return last;
            }
        };
    }

    private static HttpClient OwnHttpClient(FootfallClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A long-lived client must still notice DNS changes: recycle pooled connections now and then.
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
        // The per-request timeout is applied by the sender itself, for every HttpClient alike.
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
