namespace Footfall.Identity;

/// <summary>
/// A user id Footfall mints for a visitor it knows nothing about, where a vendor's protocol requires a user id
/// (Personalize's <c>/manifest</c>). It names nobody, so <see cref="LinkRule"/> treats it like a guest id: the
/// visitor's later sign-in may merge it into the real user. The form is fixed so that it is recognised
/// without any state; a real user id of exactly this form would be taken as anonymous too.
/// </summary>
public static class AnonymousUid
{
    private const string Prefix = "anon_";
    private const int HexLength = 32;

    /// <summary>A fresh anonymous uid: <c>anon_</c> and 32 lower-case hex digits.</summary>
    public static string Mint() => Prefix + Guid.NewGuid().ToString("N");

    /// <summary>Whether <paramref name="value"/> has the form <see cref="Mint"/> gives.</summary>
    public static bool IsMinted(string value) =>
        value.Length == Prefix.Length + HexLength
        && value.StartsWith(Prefix, StringComparison.Ordinal)
        && value.AsSpan(Prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0;
}
