using Footfall.Events;
using Footfall.Identity;

namespace Footfall.Server.Http;

/// <summary>Checks the query values a request binds (<c>[AsParameters]</c> records): which person, numbers, times.</summary>
public static class PersonQuery
{
    /// <summary>The identifier from bound <c>userId</c> and <c>guestId</c> values, or the 400 to answer.</summary>
    public static (Identifier Identifier, IResult? Error) Read(string? user, string? guest)
    {
        user ??= "";
        guest ??= "";
        if (user.Length > EventLimits.MaxIdLength || guest.Length > EventLimits.MaxIdLength)
            return (default, ApiError.BadRequest($"userId and guestId are at most {EventLimits.MaxIdLength} characters"));
        if (user.Length > 0) return (Identifier.User(user), null);
        if (guest.Length > 0) return (Identifier.Guest(guest), null);
        return (default, ApiError.BadRequest("userId or guestId is required"));
    }

    /// <summary>Reads a bound integer value within bounds; the default when absent.</summary>
    public static (int Value, IResult? Error) Number(string? text, string name, int fallback, int min, int max)
    {
        if (string.IsNullOrEmpty(text)) return (fallback, null);
        if (!int.TryParse(text, out var value) || value < min || value > max)
            return (0, ApiError.BadRequest($"{name} must be an integer from {min} to {max}"));
        return (value, null);
    }

    /// <summary>Reads an optional RFC 3339 value bound from the query.</summary>
    public static (DateTime? Value, IResult? Error) Time(string? text, string name)
    {
        if (string.IsNullOrEmpty(text)) return (null, null);
        if (!System.DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var value))
            return (null, ApiError.BadRequest($"{name} must be an RFC 3339 date-time"));
        return (EventTime.Normalize(value.UtcDateTime), null);
    }
}
