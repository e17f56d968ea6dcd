namespace Footfall.DataGen;

/// <summary>What the generated shop looks like; every default is issue 09's shape.</summary>
internal sealed record ShopShape
{
    /// <summary>Events to write.</summary>
    public required long Events { get; init; }
    /// <summary>Same seed and shape, same file, byte for byte.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Distinct persons that may appear (a long tail: at 10M events most appear once or never).</summary>
    public long Persons { get; init; } = 5_000_000;
    /// <summary>One person in this many has an account; 60% of their visits are signed in: those events carry their user id beside a device's guest id, which links them.</summary>
    public int SignInEvery { get; init; } = 5;
    /// <summary>Products in the catalogue, with popularity skewed as a power law.</summary>
    public int Products { get; init; } = 20_000;
    /// <summary>Experiences running at once; impressions are spread over them.</summary>
    public int Experiences { get; init; } = 4;
    /// <summary>Days of history, ending at <see cref="End"/>.</summary>
    public int Days { get; init; } = 90;
    /// <summary>The end of the history (exclusive); fixed by default so that a seed always gives the same file.</summary>
    public DateTime End { get; init; } = new(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc);
    /// <summary>How strongly activity concentrates on few persons (see <see cref="PowerLaw"/>).</summary>
    public double PersonSkew { get; init; } = 0.6;
    /// <summary>How strongly views concentrate on few products.</summary>
    public double ProductSkew { get; init; } = 0.9;
}
