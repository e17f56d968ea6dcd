namespace Footfall.Identity;

/// <summary>What kind of identifier a person is known by.</summary>
public enum IdentifierKind
{
    /// <summary>An anonymous visitor id (a browser, a device, a vendor session).</summary>
    Guest,
    /// <summary>A signed-in user id (including vendor customer ids, e-mails).</summary>
    User,
}

/// <summary>One identifier of a person. Identifiers linked together form one person.</summary>
public readonly record struct Identifier(IdentifierKind Kind, string Value)
{
    /// <summary>A user id.</summary>
    public static Identifier User(string value) => new(IdentifierKind.User, value);

    /// <summary>A guest id.</summary>
    public static Identifier Guest(string value) => new(IdentifierKind.Guest, value);

    /// <summary>The lower-case kind name used in JSON: <c>user</c> or <c>guest</c>.</summary>
    public string KindName => Kind == IdentifierKind.User ? "user" : "guest";

    /// <summary>A compact form used as a storage key: <c>u:alice</c>, <c>g:1f2e</c>.</summary>
    public string Key => (Kind == IdentifierKind.User ? "u:" : "g:") + Value;

    /// <summary>Parses <see cref="Key"/>.</summary>
    public static Identifier FromKey(string key) =>
        key.StartsWith("u:", StringComparison.Ordinal) ? User(key[2..]) : Guest(key[2..]);

    /// <inheritdoc />
    public override string ToString() => Key;
}

/// <summary>
/// Two identifiers that belong to the same person. Through the public paths a link is a claim that
/// <see cref="LinkRule"/> may refuse; a <see cref="IsMerge"/> link comes from an operator (the secret key) and is
/// always applied.
/// </summary>
public readonly record struct IdentityLink(Identifier A, Identifier B)
{
    /// <summary>Whether this is an operator's merge of two persons, applied whatever they hold.</summary>
    public bool IsMerge { get; init; }

    /// <summary>An operator's merge of the person of <paramref name="a"/> into the person of <paramref name="into"/>.</summary>
    public static IdentityLink Merge(Identifier a, Identifier into) => new(a, into) { IsMerge = true };
}
