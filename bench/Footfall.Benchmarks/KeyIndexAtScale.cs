using System.Diagnostics;
using System.Globalization;

namespace Footfall.Benchmarks;

/// <summary>
/// <c>keys-at-scale CANDIDATE COUNT</c>: one key index candidate loaded with COUNT keys in 1,000-key entries, then
/// 100K lookups of present and of absent keys, the process's RSS (now and peak), the bytes on disk, and a restart
/// (reopen + first lookup) followed by cold lookups. One candidate per process, so RSS is its own. Prints one
/// markdown table row.
/// </summary>
internal static class KeyIndexAtScale
{
    private const int EntryKeys = 1000;
    private const int Lookups = 100_000;

    public static void Run(string candidate, long count)
    {
        var folder = Path.Combine(Path.GetTempPath(), "footfall-keys-" + candidate + "-" + Guid.NewGuid().ToString("N"));
        try
        {
            var index = KeyIndexCandidates.Open(candidate, folder);
            var clock = Stopwatch.StartNew();
            var keys = new string[EntryKeys];
            for (long entry = 0; entry * EntryKeys < count; entry++)
            {
                for (var i = 0; i < EntryKeys; i++)
                    keys[i] = KeyIndexCandidates.Key(entry * EntryKeys + i);
                index.Add(keys, entry + 1);
            }
            var insertRate = count / clock.Elapsed.TotalSeconds;
            clock.Restart();
            index.Persist();
            var persist = clock.Elapsed;

            var random = new Random(5);
            var (present, presentMisses) = Lookup(index, Lookups, n => KeyIndexCandidates.Key(random.NextInt64(count)), expect: true);
            var (absent, falseHits) = Lookup(index, Lookups, n => KeyIndexCandidates.AbsentKey(random.NextInt64(count)), expect: false);
            GC.Collect();
            var rss = Process.GetCurrentProcess().WorkingSet64;
            var disk = KeyIndexCandidates.FolderBytes(folder);

            string restart = "rebuilt from the store", cold = "-";
            if (candidate != "memory")
            {
                index.Dispose();
                clock.Restart();
                index = KeyIndexCandidates.Open(candidate, folder);
                if (!index.Contains(KeyIndexCandidates.Key(count - 1)))
                    throw new InvalidOperationException("The last key is gone after a restart.");
                restart = Ms(clock.Elapsed);
                cold = Us(Lookup(index, 10_000, n => KeyIndexCandidates.Key(random.NextInt64(count)), expect: true).PerLookup);
            }
            index.Dispose();
            Console.WriteLine(
                $"| {candidate} | {count:N0} | {insertRate:N0}/s | {Ms(persist)} | {Us(present)} | {Us(absent)} | {MiB(rss)} | {MiB(PeakRss())} | {MiB(disk)} | {restart} | {cold} | {presentMisses} / {falseHits} |");
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    public static void PrintHeader()
    {
        Console.WriteLine("| candidate | keys | insert | persist | lookup present | lookup absent | RSS | peak RSS | disk | restart + 1st lookup | cold lookup | misses / false hits |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
    }

    private static (TimeSpan PerLookup, int Wrong) Lookup(IKeyIndexCandidate index, int lookups, Func<int, string> key, bool expect)
    {
        var keys = Enumerable.Range(0, lookups).Select(key).ToArray();
        var wrong = 0;
        var clock = Stopwatch.StartNew();
        foreach (var k in keys)
        {
            if (index.Contains(k) != expect)
                wrong++;
        }
        return (clock.Elapsed / lookups, wrong);
    }

    private static long PeakRss()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms";

    private static string Us(TimeSpan t) => (t.TotalMicroseconds).ToString("N1", CultureInfo.InvariantCulture) + " µs";

    private static string MiB(long bytes) => (bytes / 1048576.0).ToString("N0", CultureInfo.InvariantCulture) + " MiB";
}
