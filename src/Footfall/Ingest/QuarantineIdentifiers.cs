using System.Text.Json;
using Footfall.Events;
using Footfall.Identity;

namespace Footfall.Ingest;

/// <summary>
/// The identifiers a rejected body names, read where its dialect carries them, leniently (a number where a string
/// belongs still names someone). Kept with the rejected event so erasure removes it by exact identifier: matching the
/// raw text instead missed escaped spellings (<c>"\u0061lice"</c>) and hit unrelated text (user <c>1</c> in
/// <c>+1-555</c>). Identifiers that arrive in headers (Personalize, OneEntry) are added by their endpoint.
/// </summary>
public static class QuarantineIdentifiers
{
    /// <summary>The identifiers in a body of the dialect <paramref name="source"/> (an <see cref="EventSources"/> name).</summary>
    public static IReadOnlyList<Identifier> FromBody(string source, JsonElement body)
    {
        var found = new List<Identifier>();
        if (body.ValueKind != JsonValueKind.Object)
            return found;
        switch (source)
        {
            case EventSources.Native or EventSources.Import:
                Add(found, body, "userId", Identifier.User);
                Add(found, body, "guestId", Identifier.Guest);
                break;
            case EventSources.Synerise when body.TryGetProperty("client", out var client) && client.ValueKind == JsonValueKind.Object:
                Add(found, client, "uuid", Identifier.Guest);
                foreach (var name in new[] { "customId", "email", "id" })
                    Add(found, client, name, Identifier.User);
                break;
            case EventSources.Crownpeak when body.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object
                                              && user.TryGetProperty("identities", out var identities) && identities.ValueKind == JsonValueKind.Object:
                foreach (var identity in identities.EnumerateObject())
                {
                    if (Id(identity.Value) is { } value)
                        found.Add(identity.Name.Equals("sessionId", StringComparison.OrdinalIgnoreCase) ? Identifier.Guest(value) : Identifier.User(value));
                }
                break;
        }
        return found;
    }

    /// <summary>The identifiers in a body kept as text; none when it is not JSON.</summary>
    public static IReadOnlyList<Identifier> FromBody(string source, string raw)
    {
        try
        {
            using var document = JsonDocument.Parse(raw);
            return FromBody(source, document.RootElement);
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static void Add(List<Identifier> found, JsonElement parent, string name, Func<string, Identifier> kind)
    {
        if (parent.TryGetProperty(name, out var element) && Id(element) is { } value)
            found.Add(kind(value));
    }

    private static string? Id(JsonElement element)
    {
        var value = element.ValueKind switch
        {
            JsonValueKind.String => StringOrNull(element),
            JsonValueKind.Number => element.GetRawText(),
            _ => null,
        };
        // An id that breaks the text rule is never stored as anyone's identifier, so no erasure can ask for it.
        return value is { Length: > 0 } && TextRule.Problem(value) is null ? value : null;
    }

    private static string? StringOrNull(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape: System.Text.Json refuses to decode it.
            return null;
        }
    }
}
