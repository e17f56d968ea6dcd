using System.Security.Cryptography;
using System.Text;

namespace Footfall.Projects;

/// <summary>Mints project ids and secret keys, and checks a presented key against its stored hash.</summary>
public static class ProjectKeys
{
    /// <summary>A new public project id (URL-safe, 22 characters).</summary>
    public static string NewProjectId() => "p_" + RandomToken(12);

    /// <summary>A new secret key: 256 random bits. High entropy is why a plain SHA-256 suffices to store it.</summary>
    public static string NewSecretKey() => "sk_" + RandomToken(32);

    /// <summary>The stored form of a secret key.</summary>
    public static string Hash(string secretKey) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secretKey)));

    /// <summary>Whether <paramref name="presented"/> is the key whose hash is stored, in constant time.</summary>
    public static bool Matches(string presented, string storedHash)
    {
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var stored = Convert.FromHexString(storedHash);
        return CryptographicOperations.FixedTimeEquals(presentedHash, stored);
    }

    private static string RandomToken(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
