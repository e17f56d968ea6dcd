using System.Globalization;
using System.Text.Json;

namespace Footfall.Events;

/// <summary>
/// Footfall keeps times to the millisecond: both stores then hold exactly the same instant, so
/// results computed by either agree to the event.
/// </summary>
public static class EventTime
{
    /// <summary>The time as UTC, truncated to whole milliseconds.</summary>
    public static DateTime Normalize(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    /// <summary>Now, normalized.</summary>
    public static DateTime Now(TimeProvider clock) => Normalize(clock.GetUtcNow().UtcDateTime);

    /// <summary>
    /// <paramref name="time"/> minus <paramref name="span"/>, or the earliest time there is when that would be earlier: a
    /// window reaching back from a caller's <c>from=0001-01-01</c> is unbounded, not an error.
    /// </summary>
    public static DateTime Earlier(DateTime time, TimeSpan span) =>
        time.Ticks > span.Ticks ? time - span : DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public static long ToUnixMs(DateTime time) => (Normalize(time) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;

    /// <summary>The UTC time of a Unix millisecond count.</summary>
    public static DateTime FromUnixMs(long ms) => DateTime.UnixEpoch.AddTicks(ms * TimeSpan.TicksPerMillisecond);

    /// <summary>
    /// Parses an RFC 3339 / ISO 8601 date-time (a missing offset means UTC). The error names <paramref name="field"/>.
    /// </summary>
    public static bool TryParse(string text, string field, out DateTime time, out string? error)
    {
        time = default;
        error = null;
        if (text.Length < 10 || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            error = $"{field} '{(text.Length > 40 ? text[..40] : text)}' is not an RFC 3339 date-time";
            return false;
        }
        time = Normalize(parsed.UtcDateTime);
        return true;
    }

    /// <summary>
    /// Parses a time as vendors send it: an RFC 3339 string or milliseconds since 1970 (years 1970 to 9999).
    /// The error names <paramref name="field"/>.
    /// </summary>
    public static bool TryParse(JsonElement element, string field, out DateTime time, out string? error)
    {
        time = default;
        error = null;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return TryParse(element.GetString()!, field, out time, out error);
            case JsonValueKind.Number when element.TryGetInt64(out var ms) && ms is >= 0 and < 253_402_300_800_000:
                time = FromUnixMs(ms);
                return true;
            default:
                error = $"{field} must be an RFC 3339 string or milliseconds since 1970 (0 to year 9999)";
                return false;
        }
    }

    /// <summary>
    /// The time, unless it is more than <see cref="EventLimits.MaxClockSkew"/> ahead of the receive time: then the
    /// receive time (a client's clock is wrong, the event itself is not).
    /// </summary>
    public static DateTime NotAfter(DateTime time, DateTime receivedAt) => time - receivedAt > EventLimits.MaxClockSkew ? receivedAt : time;
}
