using System.Diagnostics;
using DuckDB.NET.Data;
using Footfall.Storage.DuckDb;

namespace Footfall.Benchmarks;

/// <summary>
/// <c>identity-lookup DUCKDB_FILE ROUNDS</c>: the writer's look-up of a batch's identifiers on a big folder, before and
/// after the identity index: 4,000 stored keys (a new random sample each round) with all the identifiers of their
/// persons, once as the scan of <c>idents</c> the store ran before, once as point look-ups in the index beside the file
/// (built by opening the folder with this build), alternated. Prints each round and the medians in milliseconds.
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
        var scans = new List<double>();
        var points = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var keys = Enumerable.Range(0, Keys).Select(_ => all[random.Next(all.Count)]).Distinct().ToList();
            var clock = Stopwatch.StartNew();
            var scanned = 0;
            using (var reader = DuckDbEventStore.Query(connection, """
                SELECT id, project, key, person FROM idents
                WHERE person IN (SELECT person FROM idents WHERE project = $p AND key IN (SELECT unnest($keys)))
                """, ("p", 1), ("keys", keys)))
            {
                while (reader.Read())
                    scanned++;
            }
            scans.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var pointed = 0;
            foreach (var person in index.Find(1, keys).OfType<(long Id, long Person)>().Select(f => f.Person).Distinct())
                pointed += index.Members(person).Count;
            points.Add(clock.Elapsed.TotalMilliseconds);
            if (pointed != scanned)
                throw new InvalidOperationException($"the index found {pointed} identifiers, the scan {scanned}");
            Console.WriteLine($"round {round}: {keys.Count} keys, {scanned} identifiers of their persons: scan {scans[^1]:F1} ms, index {points[^1]:F1} ms");
        }
        Console.WriteLine($"identifiers stored: {all.Count:N0}; median scan {Median(scans):F1} ms, median index {Median(points):F1} ms");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
