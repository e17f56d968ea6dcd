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

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public static long ToUnixMs(DateTime time) => (Normalize(time) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;

    /// <summary>The UTC time of a Unix millisecond count.</summary>
    public static DateTime FromUnixMs(long ms) => DateTime.UnixEpoch.AddTicks(ms * TimeSpan.TicksPerMillisecond);
}
