using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Footfall.Experiences;

/// <summary>
/// Sticky weighted assignment: a user's variant is a pure function of (project, experience, user uid) and the
/// weights, so every node and every restart gives the same answer without storing assignments, and the split
/// stays locked for as long as the weights do.
/// </summary>
public static class VariantAssignment
{
    /// <summary>The variant the user sees, or null when the experience is not active or has no positive weight.</summary>
    public static string? Assign(string projectId, ExperienceDefinition experience, string userUid)
    {
        if (experience.Status != ExperienceStatus.Active)
            return null;
        var total = experience.Variants.Where(v => v.Weight > 0).Sum(v => v.Weight);
        if (total <= 0)
            return null;
        var point = Bucket(projectId, experience.ShortUid, userUid) * total;
        var cumulative = 0.0;
        VariantDefinition? last = null;
        foreach (var variant in experience.Variants)
        {
            if (variant.Weight <= 0) continue;
            cumulative += variant.Weight;
            last = variant;
            if (point < cumulative)
                return variant.ShortUid;
        }
        // Only reachable through floating-point rounding at the very top of the range.
        return last!.ShortUid;
    }

    /// <summary>
    /// A uniform number in [0, 1) from SHA-256 of the three parts. A cryptographic hash is used for stability
    /// (string.GetHashCode is randomized per process) and for an even spread whatever the uid format.
    /// </summary>
    public static double Bucket(string projectId, string experienceShortUid, string userUid)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{projectId}\n{experienceShortUid}\n{userUid}"), hash);
        var top53 = BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11;
        return top53 / (double)(1UL << 53);
    }
}
