using Footfall.Events;
using Footfall.Ingest;
using Footfall.Log;

namespace Footfall.Tests.Support;

/// <summary>
/// Entries a stopped server's store has not applied, written into its data folder's log over several 4 KiB segments,
/// their keys in the key index (ahead of the store, as after acknowledging them), with a closed segment damaged on disk.
/// </summary>
public static class UnappliedLog
{
    /// <summary>Appends <paramref name="count"/> page views keyed <c>k0</c>, <c>k1</c>, ... of guests <c>g0</c>, <c>g1</c>, ...
    /// and damages the second segment; returns the log folder.</summary>
    public static async Task<string> WriteDamagedAsync(string dataFolder, string projectId, int count = 12)
    {
        var logFolder = Path.Combine(dataFolder, "log");
        var positions = new List<long>();
        await using (var log = SegmentLog.Open(new SegmentLogOptions { Folder = logFolder, SegmentBytes = 4096 }))
        {
            for (var i = 0; i < count; i++)
            {
                var view = new TrackedEvent
                {
                    Key = $"k{i}", Action = BuiltInActions.PageView, Time = DateTime.UtcNow, ReceivedAt = DateTime.UtcNow, GuestId = $"g{i}",
                    Target = new Dictionary<string, string> { ["page"] = "/" + new string('x', 900) }, Source = EventSources.Native,
                };
                positions.Add(await log.AppendAsync(new LogEntry(projectId, EventSources.Native, [view], [], [])));
            }
        }
        using (var keys = IdempotencyKeyIndex.Open(new KeyIndexOptions { Folder = Path.Combine(dataFolder, "keys") }))
        {
            keys.Add(Enumerable.Range(0, count).Select(i => (projectId, $"k{i}")), positions[^1]);
            keys.Checkpoint();
        }
        var segments = Directory.GetFiles(logFolder, "*.seg").Order(StringComparer.Ordinal).ToList();
        Assert.True(segments.Count >= 3, $"{segments.Count} segments");
        await using (var damaged = new FileStream(segments[1], FileMode.Open, FileAccess.Write))
        {
            damaged.Position = 20;
            await damaged.WriteAsync("damaged!"u8.ToArray());
        }
        return logFolder;
    }
}
