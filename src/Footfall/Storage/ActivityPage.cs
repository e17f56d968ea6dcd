using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Footfall.Events;

namespace Footfall.Storage;

/// <summary>One page of a person's events (<see cref="IPeopleStore.GetActivityAsync"/>) and where the next, older page starts.</summary>
/// <param name="Events">Newest first.</param>
/// <param name="Next">Where the following page starts; null when no older event is left.</param>
public sealed record ActivityPage(IReadOnlyList<TrackedEvent> Events, ActivityCursor? Next);

/// <summary>
/// A position in a person's activity: just after (older than) the event with this time and store order. Pages are read
/// from a position, not an offset, so events stored meanwhile never repeat or hide an event of the pages still to come.
/// Clients see it only as opaque text.
/// </summary>
/// <param name="TimeMs">The event's time, Unix milliseconds.</param>
/// <param name="Order">The store's order among events of equal time (later stored, larger).</param>
/// <param name="Tiebreak">What orders events of equal time and order, where a store can have such (ClickHouse: the event id).</param>
public readonly record struct ActivityCursor(long TimeMs, long Order, string Tiebreak)
{
    private const string Version = "a1";

    /// <summary>The cursor as URL-safe text.</summary>
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Version}|{TimeMs}|{Order}|{Tiebreak}")));

    /// <summary>Reads text made by <see cref="Encode"/>; false for anything else.</summary>
    public static bool TryDecode(string? text, out ActivityCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 512)
            return false;
        var bytes = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (Base64Url.DecodeFromChars(text, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done || consumed != text.Length)
            return false;
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        var parts = decoded.Split('|', 4);
        if (parts.Length != 4 || parts[0] != Version
            || !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var time)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var order))
            return false;
        cursor = new ActivityCursor(time, order, parts[3]);
        return true;
    }

    /// <summary>The cursor just after <paramref name="e"/>, which a store read with that order.</summary>
    public static ActivityCursor After(TrackedEvent e, long order, string tiebreak = "") => new(EventTime.ToUnixMs(e.Time), order, tiebreak);
}
