using System.Diagnostics;
using DuckDB.NET.Data;
using Footfall.Storage.DuckDb;

namespace Footfall.Benchmarks;

/// <summary>
/// <c>identity-lookup DUCKDB_FILE ROUNDS</c>: the writer's look-up of a batch's identifiers on a big folder, before and
/// after the identity index: 4,000 stored keys (a new random sample each round) with all the identifiers of their
/// persons, once as the scan of <c>idents</c> the store ran before, once as point look-ups in the index beside the file
/// (built by opening the folder with this build), alternated; and one key's person as a feed's first read of a person
/// looked it up before (the scan) and does now (the index). Prints wall and process CPU milliseconds (the CPU time is
/// what a loaded machine distorts least), each round and the medians.
/// </summary>
internal static class IdentityLookupAtScale
{
    private const int Keys = 4000;

    public static void Run(string databaseFile, int rounds)
    {
        using var connection = new DuckDBConnection($"Data Source={databaseFile};ACCESS_MODE=READ_ONLY");
        connection.Open();
        var all = new List<string>();
        using (var reader = DuckDbEventStore.Query(connection, "SELECT key FROM idents WHERE project = 1"))
        {
            while (reader.Read())
                all.Add(reader.GetString(0));
        }
        using var index = IdentityIndex.Open(databaseFile + ".identities");
        var random = new Random(12);
        var measured = new Dictionary<string, List<(double Wall, double Cpu)>>();
        for (var round = 1; round <= rounds; round++)
        {
            var keys = Enumerable.Range(0, Keys).Select(_ => all[random.Next(all.Count)]).Distinct().ToList();
            var scanned = Measure(measured, "batch scan", () =>
            {
                var count = 0;
                using var reader = DuckDbEventStore.Query(connection, """
                    SELECT id, project, key, person FROM idents
                    WHERE person IN (SELECT person FROM idents WHERE project = $p AND key IN (SELECT unnest($keys)))
                    """, ("p", 1), ("keys", keys));
                while (reader.Read())
                    count++;
                return count;
            });
            var persons = Measure(measured, "find", () => index.Find(1, keys).OfType<(long Id, long Person)>().Select(f => f.Person).Distinct().ToList());
            var pointed = Measure(measured, "members", () => index.Members(persons).Sum(m => m.Count));
            if (pointed != scanned)
                throw new InvalidOperationException($"the index found {pointed} identifiers, the scan {scanned}");
            var scannedPerson = Measure(measured, "one key scan", () =>
                DuckDbEventStore.Scalar<long>(connection, "SELECT person FROM idents WHERE project = 1 AND key = $k LIMIT 1", ("k", keys[0])));
            var indexedPerson = Measure(measured, "one key index", () => index.Find(1, [keys[0]])[0]!.Value.Person);
            if (indexedPerson != scannedPerson)
                throw new InvalidOperationException($"the index found person {indexedPerson}, the scan {scannedPerson}");
            Console.WriteLine($"round {round}: {keys.Count} keys, {scanned} identifiers of their persons; "
                + string.Join("; ", measured.Select(m => $"{m.Key} {m.Value[^1].Wall:F2} ms wall, {m.Value[^1].Cpu:F1} ms CPU")));
        }
        Console.WriteLine($"identifiers stored: {all.Count:N0}; medians: "
            + string.Join("; ", measured.Select(m => $"{m.Key} {Median(m.Value, v => v.Wall):F2} ms wall, {Median(m.Value, v => v.Cpu):F1} ms CPU")));
    }

    private static T Measure<T>(Dictionary<string, List<(double, double)>> measured, string name, Func<T> run)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = run();
        var wall = clock.Elapsed.TotalMilliseconds;
        process.Refresh();
        if (!measured.TryGetValue(name, out var list))
            measured[name] = list = [];
        list.Add((wall, (process.TotalProcessorTime - cpu).TotalMilliseconds));
        return result;
    }

    private static double Median<T>(List<T> values, Func<T, double> of) => values.Select(of).Order().ElementAt(values.Count / 2);
}
