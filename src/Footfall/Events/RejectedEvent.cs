namespace Footfall.Events;

/// <summary>An event that failed validation, kept aside with the reason so nothing is silently dropped.</summary>
public sealed record RejectedEvent(DateTime Time, string Source, string Error, string Raw)
{
    /// <summary>The identifiers it names (from its body and headers): what erasure matches it by, exactly.</summary>
    public IReadOnlyList<Identity.Identifier> Identifiers { get; init; } = [];

    /// <inheritdoc />
    public bool Equals(RejectedEvent? other) =>
        other is not null && Time == other.Time && Source == other.Source && Error == other.Error && Raw == other.Raw
        && Identifiers.SequenceEqual(other.Identifiers);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Time, Source, Error, Raw, Identifiers.Count);
}
