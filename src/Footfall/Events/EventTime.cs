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
}
