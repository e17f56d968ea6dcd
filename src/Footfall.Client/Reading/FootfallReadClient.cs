using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Footfall.Client;

/// <summary>
/// The read, configuration and erasure API (CONTRACT §4, §5, §8), authenticated with the project's secret key.
/// Keep the key on the server: never ship it to browsers. Errors throw <see cref="FootfallApiException"/>.
/// </summary>
public sealed class FootfallReadClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly AuthenticationHeaderValue _auth;

    /// <summary>A read client sending through <paramref name="httpClient"/> to <see cref="FootfallClientOptions.Host"/>.</summary>
    /// <exception cref="ArgumentException">The host is invalid or the secret key is missing.</exception>
    public FootfallReadClient(HttpClient httpClient, FootfallClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid(forTracking: false);
        if (string.IsNullOrWhiteSpace(options.SecretKey))
            throw new ArgumentException("SecretKey is required to read from Footfall", nameof(options));
        _http = httpClient;
        _base = options.BaseAddress;
        // Set per request rather than on DefaultRequestHeaders: the HttpClient may be shared with other code.
        _auth = new AuthenticationHeaderValue("Bearer", options.SecretKey);
    }

    /// <summary>Defines or changes an A/B experience (<c>PUT /v1/experiences/{shortUid}</c>).</summary>
    public async Task SaveExperienceAsync(string shortUid, ExperienceDefinition experience, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Put, $"v1/experiences/{Uri.EscapeDataString(shortUid)}");
        request.Content = JsonContent.Create(experience, options: Json);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>An experience's results over [from, to); both optional (all time).</summary>
    public Task<ExperienceResults> GetExperienceResultsAsync(string shortUid, DateTimeOffset? from = null, DateTimeOffset? to = null,
        CancellationToken cancellationToken = default) =>
        GetAsync<ExperienceResults>($"v1/experiences/{Uri.EscapeDataString(shortUid)}/results" + Query(("from", Time(from)), ("to", Time(to))), cancellationToken);

    /// <summary>A person's events, newest first (1-1000; default 50).</summary>
    public async Task<IReadOnlyList<ActivityEvent>> GetActivityAsync(PersonId person, int limit = 50, CancellationToken cancellationToken = default) =>
        (await GetActivityPageAsync(person, limit, null, cancellationToken)).Events;

    /// <summary>
    /// One page of a person's events, newest first (1-1000 per page; default 50), starting after <paramref name="before"/>:
    /// the <see cref="ActivityPage.Next"/> of the page before, or null for the newest.
    /// </summary>
    public Task<ActivityPage> GetActivityPageAsync(PersonId person, int limit = 50, string? before = null, CancellationToken cancellationToken = default) =>
        GetAsync<ActivityPage>($"v1/people/activity?{person.ToQuery()}&limit={limit.ToString(CultureInfo.InvariantCulture)}"
            + (before is null ? "" : "&before=" + Uri.EscapeDataString(before)), cancellationToken);

    /// <summary>All of a person's events, newest first, read a page at a time as the caller goes.</summary>
    public async IAsyncEnumerable<ActivityEvent> ReadActivityAsync(PersonId person, int pageSize = 1000,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? next = null;
        do
        {
            var page = await GetActivityPageAsync(person, pageSize, next, cancellationToken);
            foreach (var e in page.Events)
                yield return e;
            next = page.Next;
        }
        while (next is not null);
    }

    /// <summary>Everything stored about a person, or null when nothing is (a subject access request).</summary>
    public async Task<PersonExport?> ExportPersonAsync(PersonId person, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, $"v1/people/export?{person.ToQuery()}");
        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<PersonExport>(Json, cancellationToken);
    }

    /// <summary>Erases every event and identifier of a person (right to erasure); returns how many events went.</summary>
    public async Task<long> ErasePersonAsync(PersonId person, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Delete, $"v1/people?{person.ToQuery()}");
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<ErasureResult>(Json, cancellationToken))?.ErasedEvents ?? 0;
    }

    /// <summary>
    /// A recommendation feed (<c>GET /v1/recommendations/{feed}</c>); see <see cref="RecommendationFeeds"/>. Pass
    /// <paramref name="person"/> for personal feeds, <paramref name="item"/> for also-viewed, <paramref name="hours"/> for trending.
    /// </summary>
    public Task<Recommendations> GetRecommendationsAsync(string feed, PersonId? person = null, string? item = null, int? hours = null,
        int? limit = null, CancellationToken cancellationToken = default)
    {
        var query = Query(("item", item), ("hours", hours?.ToString(CultureInfo.InvariantCulture)), ("limit", limit?.ToString(CultureInfo.InvariantCulture)));
        if (person is { IsEmpty: false } who)
            query = (query.Length == 0 ? "?" : query + "&") + who.ToQuery();
        return GetAsync<Recommendations>($"v1/recommendations/{Uri.EscapeDataString(feed)}{query}", cancellationToken);
    }

    /// <summary>Responses, clicks, carts, purchases and revenue attributed to each feed over [from, to).</summary>
    public Task<RecommendationPerformance> GetRecommendationPerformanceAsync(DateTimeOffset? from = null, DateTimeOffset? to = null,
        CancellationToken cancellationToken = default) =>
        GetAsync<RecommendationPerformance>("v1/recommendations/performance" + Query(("from", Time(from)), ("to", Time(to))), cancellationToken);

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new FootfallApiException(response.StatusCode, "the answer was empty");
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(_base, path));
        request.Headers.Authorization = _auth;
        return request;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var error = text;
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e))
                error = e.ToString();
        }
        catch (JsonException)
        {
            // Not the server's JSON error (a proxy page, say): keep the raw text.
        }
        throw new FootfallApiException(response.StatusCode, error.Length > 0 ? error : response.ReasonPhrase ?? "error");
    }

    private static string? Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Query(params (string Name, string? Value)[] parts)
    {
        var set = parts.Where(p => p.Value is not null).Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        return set.Count == 0 ? "" : "?" + string.Join('&', set);
    }
}
