using System.Diagnostics;
using Footfall.Ingest;
using Footfall.Log;
using Footfall.Tests.Support;

namespace Footfall.Tests.Log;

/// <summary>
/// A real process appending from 8 writers and indexing the keys, killed with kill -9 at a random moment, many times
/// over the same folders: every entry it acknowledged is in the log once, and its key is in the index after catch-up.
/// </summary>
public sealed class SegmentLogCrashTests
{
    [Fact]
    public async Task KillNine_WhileAppending_LosesNoAcknowledgedEntryAndKeepsEveryKeyIndexed()
    {
        using var folder = new TempFolder();
        var logFolder = Path.Combine(folder.Path, "log");
        var indexFolder = Path.Combine(folder.Path, "keys");
        var acknowledged = new List<string>();
        var random = new Random(11);
        for (var cycle = 0; cycle < 6; cycle++)
        {
            acknowledged.AddRange(await RunAndKillAsync(logFolder, indexFolder, cycle * 1_000_000L, random.Next(50, 3000)));

            await using var log = SegmentLog.Open(new SegmentLogOptions { Folder = logFolder, SegmentBytes = 64 << 10 });
            var inLog = SegmentLogTests.Keys(log);
            Assert.Equal(inLog.Count, inLog.Distinct().Count());
            Assert.Empty(acknowledged.Except(inLog));
            using var index = IdempotencyKeyIndex.Open(new KeyIndexOptions { Folder = indexFolder, WriteBufferBytes = 1 << 20, BlockCacheBytes = 1 << 20 });
            index.CatchUp(log);
            Assert.Equal(log.DurablePosition, index.Position);
            Assert.All(acknowledged, key => Assert.True(index.Contains("p1", key), key + " is not indexed"));
        }
    }

    private static async Task<List<string>> RunAndKillAsync(string logFolder, string indexFolder, long firstKey, int killAfter)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Footfall.LogCrashProbe.dll"), logFolder, indexFolder, firstKey.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        var acknowledged = new List<string>();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            acknowledged.Add(line["ack ".Length..]);
            if (acknowledged.Count == killAfter)
                process.Kill();
        }
        await process.WaitForExitAsync();
        Assert.True(acknowledged.Count >= killAfter, $"The probe stopped by itself after {acknowledged.Count} entries: {await errors}");
        return acknowledged;
    }
}
