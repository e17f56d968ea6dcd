namespace Footfall.Client;

/// <summary>
/// Who an event is about: a guest id (an anonymous visitor), a user id (a signed-in customer), or both. An event that
/// carries both links the guest to the user on the server, so the guest's earlier activity joins the user's.
/// </summary>
public readonly record struct PersonId
{
    private PersonId(string? userId, string? guestId)
    {
        UserId = userId;
        GuestId = guestId;
    }

    /// <summary>The user id, or null.</summary>
    public string? UserId { get; }

    /// <summary>The guest id, or null.</summary>
    public string? GuestId { get; }

    /// <summary>A signed-in user.</summary>
    /// <exception cref="ArgumentException">The id is null or empty.</exception>
    public static PersonId User(string userId) => new(Require(userId, nameof(userId)), null);

    /// <summary>An anonymous visitor.</summary>
    /// <exception cref="ArgumentException">The id is null or empty.</exception>
    public static PersonId Guest(string guestId) => new(null, Require(guestId, nameof(guestId)));

    /// <summary>A visitor who is also a known user; events carrying both ids link them.</summary>
    /// <exception cref="ArgumentException">An id is null or empty.</exception>
    public static PersonId Both(string guestId, string userId) => new(Require(userId, nameof(userId)), Require(guestId, nameof(guestId)));

    /// <summary>True for the default value, which names nobody.</summary>
    public bool IsEmpty => UserId is null && GuestId is null;

    /// <summary>The query string the read API takes: <c>userId=...</c> when there is a user id, else <c>guestId=...</c>.</summary>
    internal string ToQuery() => UserId is not null
        ? "userId=" + Uri.EscapeDataString(UserId)
        : "guestId=" + Uri.EscapeDataString(GuestId ?? throw new ArgumentException("the person has no id"));

    /// <inheritdoc />
    public override string ToString() => UserId is not null ? $"user {UserId}" : GuestId is not null ? $"guest {GuestId}" : "(nobody)";

    private static string Require(string value, string name) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException("an id must be a non-empty string", name) : value;
}
