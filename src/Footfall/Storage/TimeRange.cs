namespace Footfall.Storage;

/// <summary>A half-open time range [From, To); a null end is unbounded.</summary>
public readonly record struct TimeRange(DateTime? From, DateTime? To)
{
    /// <summary>All time.</summary>
    public static TimeRange All => default;

    /// <summary>Whether <paramref name="time"/> falls inside.</summary>
    public bool Contains(DateTime time) => (From is null || time >= From) && (To is null || time < To);
}
