namespace Footfall.DataGen;

/// <summary>
/// Ranks 0..n-1 drawn with probability falling as rank^-exponent (a continuous Zipf-like law, sampled by inverting
/// its CDF, so one draw is one <see cref="Math.Pow"/> and nothing is kept per rank). Exponents below 1 give a long
/// tail without one rank taking a large share of everything.
/// </summary>
internal sealed class PowerLaw(long n, double exponent)
{
    private readonly double _top = Math.Pow(n + 1, 1 - exponent) - 1;

    public long Next(Random random)
    {
        var x = Math.Pow(random.NextDouble() * _top + 1, 1 / (1 - exponent)) - 1;
        return Math.Min((long)x, n - 1);
    }
}

/// <summary>
/// A bijection of 0..n-1 (multiplication by a constant coprime with n), so that popularity ranks are not the
/// order of the ids: the most active person is not <c>p0</c>.
/// </summary>
internal sealed class Scramble
{
    private readonly long _n;
    private readonly long _multiplier;

    public Scramble(long n)
    {
        _n = n;
        _multiplier = 2_654_435_761 % n;
        while (Gcd(_multiplier, n) != 1)
            _multiplier++;
    }

    public long Of(long rank) => (long)((UInt128)(rank + 1) * (ulong)_multiplier % (ulong)_n);

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}
