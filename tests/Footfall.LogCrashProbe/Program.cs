using Footfall.Events;
using Footfall.Ingest;
using Footfall.Log;

// Usage: <log folder> <key index folder> <first key number>. Appends one-event entries from 8 writers forever
// and prints "ack <key>" for each only after its append completed, so every printed key must survive kill -9.
// A follower feeds the key index from the log in order, as the ingest path will.
var (logFolder, indexFolder, next) = (args[0], args[1], long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
await using var log = SegmentLog.Open(new SegmentLogOptions { Folder = logFolder, SegmentBytes = 64 << 10 });
using var index = IdempotencyKeyIndex.Open(new KeyIndexOptions { Folder = indexFolder, WriteBufferBytes = 1 << 20, BlockCacheBytes = 1 << 20 });
index.CatchUp(log);
var output = Console.Out;

var follower = Task.Run(async () =>
{
    while (true)
    {
        await log.WaitBeyondAsync(index.Position);
        index.CatchUp(log);
    }
});
var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
{
    while (true)
    {
        var key = "k" + Interlocked.Increment(ref next);
        var now = DateTime.UtcNow;
        var entry = new LogEntry("p1", EventSources.Native,
            [new TrackedEvent { Key = key, Action = BuiltInActions.ProductView, Time = now, ReceivedAt = now, GuestId = "g1" }], [], []);
        await log.AppendAsync(entry);
        lock (output)
            output.WriteLine("ack " + key);
    }
}));
await Task.WhenAll(writers.Append(follower));
