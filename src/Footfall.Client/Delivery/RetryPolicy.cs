using System.Net;
using System.Net.Http.Headers;

namespace Footfall.Client.Delivery;

/// <summary>Which answers are worth retrying, and how long to wait before the next try.</summary>
internal sealed class RetryPolicy(TimeSpan initial, TimeSpan max)
{
    // A Retry-After beyond this is treated as a misconfiguration rather than obeyed for hours.
    private static readonly TimeSpan RetryAfterCeiling = TimeSpan.FromMinutes(10);

    /// <summary>
    /// 5xx and 429 are the server saying "not now"; 408 is a timeout on the way. Every other 4xx means the request
    /// itself is wrong and would fail the same way forever, so retrying it only delays the events behind it.
    /// </summary>
    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    /// <summary>The wait before retry number <paramref name="attempt"/> (1-based), honouring Retry-After when given.</summary>
    public TimeSpan Delay(int attempt, RetryConditionHeaderValue? retryAfter = null)
    {
        if (FromHeader(retryAfter) is { } asked)
            return asked;
        // Exponential with "equal jitter": half fixed, half random, so clients that failed together retry apart.
        var exponent = Math.Min(attempt - 1, 30);
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    private static TimeSpan? FromHeader(RetryConditionHeaderValue? header)
    {
        var wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        if (wait is null) return null;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > RetryAfterCeiling ? RetryAfterCeiling : wait;
    }
}
