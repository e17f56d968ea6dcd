using Footfall.Events;
using Footfall.Ingest;
using Footfall.Log;
using Footfall.Storage;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Ingest;

public sealed class LogIngestWriterTests
{
    private static readonly DateTime Time = new(2026, 12, 3, 1, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Concurrent_retries_of_overlapping_keys_store_each_key_exactly_once()
    {
        // Requests race the key indexer, which moves keys from the in-flight set to the index while they check both.
        using var folder = new TempFolder();
        await using var log = SegmentLog.Open(new SegmentLogOptions { Folder = Path.Combine(folder.Path, "log") });
        using var index = IdempotencyKeyIndex.Open(new KeyIndexOptions { Folder = Path.Combine(folder.Path, "keys"), WriteBufferBytes = 1 << 20, BlockCacheBytes = 1 << 20 });
        using var writer = new LogIngestWriter(log, index, new IngestOptions(), NullLogger<LogIngestWriter>.Instance);
        const int Keys = 400;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            var results = new List<WriteOutcome>();
            for (var request = 0; request < 60; request++)
            {
                // A request may name a key twice; keys repeat across clients and requests.
                var events = Enumerable.Range(0, 20).Select(_ => Event("k" + random.Next(Keys))).ToList();
                Assert.True(writer.TryEnqueue(new ProjectWrite("p1", events, [], []), out var committed));
                results.Add(await committed);
            }
            return results;
        })));

        await writer.CloseAsync();
        await writer.StopIndexerAsync();
        var appended = log.ReadFrom(log.StartPosition).SelectMany(r => r.Decode().Events).Select(e => e.Key!).ToList();
        var all = outcomes.SelectMany(o => o).ToList();
        Assert.Equal(appended.Count, appended.Distinct().Count());
        Assert.Equal(appended.Count, all.Sum(o => o.Accepted));
        Assert.Equal(16 * 60 * 20, all.Sum(o => o.Accepted + o.Duplicates));
        Assert.All(appended, key => Assert.True(index.Contains("p1", key)));
    }

    private static TrackedEvent Event(string key) =>
        new() { Key = key, Action = BuiltInActions.ProductView, Time = Time, ReceivedAt = Time, GuestId = "g-" + key };
}
