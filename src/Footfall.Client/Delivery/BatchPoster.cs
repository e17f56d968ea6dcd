using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Footfall.Client.Delivery;

/// <summary>
/// Sends one batch (or one link) until the server has answered for it: retries network errors, timeouts, 5xx and 429
/// with backoff for as long as it takes, and reports every other refusal instead of retrying it. Retrying is safe
/// because every event carries its idempotency id: a batch the server stored before the reply was lost is counted
/// as duplicates, not stored twice.
/// </summary>
internal sealed class BatchPoster(FootfallClientOptions options, Func<HttpClient> http, DeliveryCounters counters, ILogger logger)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly RetryPolicy _retry = new(options.InitialRetryDelay, options.MaxRetryDelay);
    private readonly Uri _events = new(options.BaseAddress, "v1/events");
    private readonly Uri _identify = new(options.BaseAddress, "v1/identify");

    public Task SendAsync(IReadOnlyList<Outgoing> batch, CancellationToken cancel) =>
        batch is [{ IsLink: true } link]
            ? SendAsync(_identify, link.Json, batch, cancel)
            : SendAsync(_events, EventJson.Array(batch), batch, cancel);

    private async Task SendAsync(Uri uri, byte[] body, IReadOnlyList<Outgoing> items, CancellationToken cancel)
    {
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan wait;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = Json;
                request.Headers.Add("X-Project-Id", options.ProjectId);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                timeout.CancelAfter(options.RequestTimeout);
                using var response = await http().SendAsync(request, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    await ReadAnswerAsync(response, items, cancel);
                    return;
                }
                if (!RetryPolicy.IsTransient(response.StatusCode))
                {
                    await RefuseAsync(uri, items, response, cancel);
                    return;
                }
                wait = _retry.Delay(attempt, response.Headers.RetryAfter);
                Log(attempt, $"answered {(int)response.StatusCode}", wait);
            }
            catch (HttpRequestException ex)
            {
                wait = _retry.Delay(attempt);
                Log(attempt, ex.Message, wait);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                // A request timeout, not shutdown: the server may be alive but slow.
                wait = _retry.Delay(attempt);
                Log(attempt, "timed out", wait);
            }
            await Task.Delay(wait, cancel);
        }
    }

    private async Task RefuseAsync(Uri uri, IReadOnlyList<Outgoing> items, HttpResponseMessage response, CancellationToken cancel)
    {
        // Too large is the one refusal that halving cures: keep splitting until each half fits.
        if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge && items.Count > 1 && !items[0].IsLink)
        {
            var half = items.Count / 2;
            await SendAsync(uri, EventJson.Array(items.Take(half).ToList()), items.Take(half).ToList(), cancel);
            await SendAsync(uri, EventJson.Array(items.Skip(half).ToList()), items.Skip(half).ToList(), cancel);
            return;
        }
        var reason = await ErrorOfAsync(response, cancel);
        var ids = items.Where(i => !i.IsLink).Select(i => i.EventId!).ToList();
        counters.AddFailed(ids.Count);
        logger.LogError("Footfall refused {Count} event(s) with {Status}: {Reason}; they will not be retried", items.Count, (int)response.StatusCode, reason);
        Report(new DeliveryFailure(reason, (int)response.StatusCode, ids));
    }

    private async Task ReadAnswerAsync(HttpResponseMessage response, IReadOnlyList<Outgoing> items, CancellationToken cancel)
    {
        if (items[0].IsLink) return;
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancel), cancellationToken: cancel);
        }
        catch (JsonException)
        {
            // A 2xx is the server's promise that the batch is stored; an unreadable body does not undo it.
            counters.AddDelivered(items.Count);
            return;
        }
        using var owned = doc;
        var root = doc.RootElement;
        var rejected = root.TryGetProperty("rejected", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;
        counters.AddDelivered(items.Count - rejected);
        if (rejected == 0) return;
        counters.AddFailed(rejected);
        foreach (var r in list.EnumerateArray())
        {
            var index = r.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) && n >= 0 && n < items.Count ? n : -1;
            var error = r.TryGetProperty("error", out var e) ? e.GetString() ?? "rejected" : "rejected";
            logger.LogWarning("Footfall rejected event {Id}: {Reason}", index >= 0 ? items[index].EventId : "?", error);
            Report(new DeliveryFailure(error, (int)response.StatusCode, index >= 0 ? [items[index].EventId!] : []));
        }
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        var text = await response.Content.ReadAsStringAsync(cancel);
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error))
                return error.ToString();
        }
        catch (JsonException)
        {
            // Not our server's JSON (a proxy's HTML page, say): the raw text says more than nothing.
        }
        return text.Length > 300 ? text[..300] : text.Length > 0 ? text : response.ReasonPhrase ?? "refused";
    }

    private void Report(DeliveryFailure failure)
    {
        try
        {
            options.OnDeliveryFailure?.Invoke(failure);
        }
        catch (Exception ex)
        {
            // A faulty callback must not stop delivery of the events behind it.
            logger.LogError(ex, "Footfall OnDeliveryFailure callback threw");
        }
    }

    private void Log(int attempt, string what, TimeSpan wait)
    {
        // One warning per outage, then quiet: a server down for an hour should not flood the log.
        if (attempt == 1)
            logger.LogWarning("Footfall server at {Host} {What}; retrying in {Wait} and until it answers", options.Host, what, wait);
        else
            logger.LogDebug("Footfall retry {Attempt}: {What}; next in {Wait}", attempt, what, wait);
    }
}
