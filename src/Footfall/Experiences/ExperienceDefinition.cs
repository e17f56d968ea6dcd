namespace Footfall.Experiences;

/// <summary>An A/B experience as configured with <c>PUT /v1/experiences/{shortUid}</c>.</summary>
public sealed record ExperienceDefinition
{
    /// <summary>The experience's short uid, as Personalize names it.</summary>
    public required string ShortUid { get; init; }
    /// <summary>A human name.</summary>
    public string Name { get; init; } = "";
    /// <summary>The variants and their traffic weights.</summary>
    public IReadOnlyList<VariantDefinition> Variants { get; init; } = [];
    /// <summary>The actions counted as conversions; the first one decides the winner.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];
    /// <summary>How many days after an impression a metric event still counts for it.</summary>
    public int AttributionDays { get; init; } = 30;
    /// <summary><c>active</c>, <c>paused</c> or <c>ended</c>; only active experiences assign variants.</summary>
    public string Status { get; init; } = ExperienceStatus.Active;
    /// <summary>Tags the Personalize manifest can filter on.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>When it was first defined (UTC).</summary>
    public DateTime CreatedAt { get; init; }
}

/// <summary>One arm of an experience.</summary>
/// <param name="ShortUid">The variant's short uid (e.g. "0", "1").</param>
/// <param name="Weight">Its share of traffic, relative to the other weights.</param>
/// <param name="Name">A human name, optional.</param>
public sealed record VariantDefinition(string ShortUid, double Weight, string? Name = null);

/// <summary>The lifecycle states of an experience.</summary>
public static class ExperienceStatus
{
    /// <summary>Assigning variants and collecting results.</summary>
    public const string Active = "active";
    /// <summary>Not assigning variants for now.</summary>
    public const string Paused = "paused";
    /// <summary>Over.</summary>
    public const string Ended = "ended";

    /// <summary>Whether <paramref name="status"/> is one of the known states.</summary>
    public static bool IsKnown(string status) => status is Active or Paused or Ended;
}
