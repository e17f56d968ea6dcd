using System.Globalization;
using BenchmarkDotNet.Running;
using Footfall.Benchmarks;

// "keys-at-scale CANDIDATE COUNT" measures one key index candidate, "identity-lookup DUCKDB_FILE ROUNDS" the identity
// look-up on a big folder, at sizes BenchmarkDotNet's repetitions cannot afford; everything else is a BenchmarkDotNet suite.
if (args is ["keys-at-scale", var candidate, var count])
{
    if (candidate == "header")
        KeyIndexAtScale.PrintHeader();
    else
        KeyIndexAtScale.Run(candidate, long.Parse(count, CultureInfo.InvariantCulture));
    return;
}
if (args is ["identity-lookup", var databaseFile, var rounds])
{
    IdentityLookupAtScale.Run(databaseFile, int.Parse(rounds, CultureInfo.InvariantCulture));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
