using Footfall.Events;
using Footfall.Log;
using Footfall.Tests.Support;

namespace Footfall.Tests.Log;

public sealed class SegmentLogTests
{
    private static readonly DateTime Time = new(2026, 11, 3, 10, 15, 0, DateTimeKind.Utc);

    /// <summary>An entry whose one event's key is <c>k{n}</c>.</summary>
    public static LogEntry Entry(long n) => new("p1", EventSources.Native,
        [new TrackedEvent { Key = "k" + n, Action = BuiltInActions.ProductView, Time = Time, ReceivedAt = Time, GuestId = "g" + n }], [], []);

    public static List<string> Keys(SegmentLog log, long from = -1) =>
        [.. log.ReadFrom(from < 0 ? log.StartPosition : from).Select(r => r.Decode().Events[0].Key!)];

    [Fact]
    public async Task AppendAsync_FromManyWriters_AcknowledgesEachOnceDurableAndReadsBackInPositionOrder()
    {
        using var folder = new TempFolder();
        await using var log = SegmentLog.Open(new SegmentLogOptions { Folder = folder.Path });

        var acks = await Task.WhenAll(Enumerable.Range(0, 500).Select(n => Task.Run(() => log.AppendAsync(Entry(n)))));

        Assert.Equal(500, acks.Distinct().Count());
        Assert.All(acks, ack => Assert.True(ack <= log.DurablePosition));
        var records = log.ReadFrom(0).ToList();
        Assert.Equal(acks.Order(), records.Select(r => r.NextPosition));
        Assert.Equal(Enumerable.Range(0, 500).Select(n => "k" + n).Order(), records.Select(r => r.Decode().Events[0].Key!).Order());
        Assert.Equal(log.DurablePosition, log.BytesOnDisk);
    }

    [Fact]
    public async Task ReadFrom_AnAcknowledgedPosition_StartsAtTheNextEntry()
    {
        using var folder = new TempFolder();
        await using var log = SegmentLog.Open(new SegmentLogOptions { Folder = folder.Path, SegmentBytes = 4096 });
        var acks = new List<long>();
        for (var n = 0; n < 200; n++)
            acks.Add(await log.AppendAsync(Entry(n)));

        Assert.Equal(Enumerable.Range(121, 79).Select(n => "k" + n), Keys(log, acks[120]));
        Assert.Empty(Keys(log, log.DurablePosition));
    }

    [Fact]
    public async Task Open_AfterTheTailIsCutAtRandomOffsets_KeepsEveryWholeEntryAndAppendsAfterThem()
    {
        using var folder = new TempFolder();
        var original = Path.Combine(folder.Path, "original");
        var acks = new List<long>();
        await using (var log = SegmentLog.Open(new SegmentLogOptions { Folder = original, SegmentBytes = 8192 }))
        {
            for (var n = 0; n < 300; n++)
                acks.Add(await log.AppendAsync(Entry(n)));
        }
        var random = new Random(7);
        for (var round = 0; round < 25; round++)
        {
            var copy = Path.Combine(folder.Path, "cut" + round);
            CopyFolder(original, copy);
            var last = Directory.GetFiles(copy).Order().Last();
            var lastStart = long.Parse(Path.GetFileNameWithoutExtension(last), System.Globalization.CultureInfo.InvariantCulture);
            var cut = random.NextInt64(new FileInfo(last).Length + 1);
            using (var file = new FileStream(last, FileMode.Open))
                file.SetLength(cut);

            await using var reopened = SegmentLog.Open(new SegmentLogOptions { Folder = copy, SegmentBytes = 8192 });

            var whole = acks.Count(a => a <= lastStart + cut);
            Assert.Equal(Enumerable.Range(0, whole).Select(n => "k" + n), Keys(reopened));
            Assert.Equal(whole == 0 ? 0 : acks[whole - 1], reopened.DurablePosition);
            await reopened.AppendAsync(Entry(1000));
            Assert.Equal("k1000", Keys(reopened)[^1]);
        }
    }

    [Fact]
    public async Task Open_AfterGarbageOverTheLastEntry_CutsItOff()
    {
        using var folder = new TempFolder();
        long before;
        await using (var log = SegmentLog.Open(new SegmentLogOptions { Folder = folder.Path }))
        {
            before = await log.AppendAsync(Entry(1));
            await log.AppendAsync(Entry(2));
        }
        var segment = Directory.GetFiles(folder.Path).Single();
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.Position = file.Length - 3;
            file.Write([0xde, 0xad, 0xbe]);
        }

        await using var reopened = SegmentLog.Open(new SegmentLogOptions { Folder = folder.Path });

        Assert.Equal(["k1"], Keys(reopened));
        Assert.Equal(before, reopened.DurablePosition);
    }

    [Fact]
    public async Task TruncateBefore_DeletesWholeSegmentsBelowThePositionOnly()
    {
        using var folder = new TempFolder();
        await using var log = SegmentLog.Open(new SegmentLogOptions { Folder = folder.Path, SegmentBytes = 4096 });
        var acks = new List<long>();
        for (var n = 0; n < 400; n++)
            acks.Add(await log.AppendAsync(Entry(n)));
        var segments = Directory.GetFiles(folder.Path).Length;
        var bytes = log.BytesOnDisk;

        log.TruncateBefore(acks[200]);

        Assert.True(Directory.GetFiles(folder.Path).Length < segments);
        Assert.True(log.StartPosition <= acks[200]);
        Assert.True(log.BytesOnDisk < bytes);
        Assert.Equal(Directory.GetFiles(folder.Path).Sum(f => new FileInfo(f).Length), log.BytesOnDisk);
        Assert.Equal(Enumerable.Range(201, 199).Select(n => "k" + n), Keys(log, acks[200]));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.ReadFrom(0));

        log.TruncateBefore(log.DurablePosition + 1000);
        Assert.Single(Directory.GetFiles(folder.Path));
        await log.AppendAsync(Entry(400));
        Assert.Equal("k400", Keys(log)[^1]);
    }

    [Fact]
    public async Task Open_AfterTruncation_ContinuesThePositions()
    {
        using var folder = new TempFolder();
        long end;
        await using (var log = SegmentLog.Open(new SegmentLogOptions { Folder = folder.Path, SegmentBytes = 4096 }))
        {
            for (var n = 0; n < 300; n++)
                await log.AppendAsync(Entry(n));
            log.TruncateBefore(log.DurablePosition);
            end = log.DurablePosition;
        }

        await using var reopened = SegmentLog.Open(new SegmentLogOptions { Folder = folder.Path, SegmentBytes = 4096 });

        Assert.Equal(end, reopened.DurablePosition);
        Assert.True(await reopened.AppendAsync(Entry(300)) > end);
    }

    [Fact]
    public async Task AppendAsync_PastTheBudget_FailsTypedWithoutAcknowledging()
    {
        using var folder = new TempFolder();
        await using var log = SegmentLog.Open(new SegmentLogOptions { Folder = folder.Path, SegmentBytes = 4096, MaxBytes = 8192 });
        var acknowledged = new List<string>();
        LogFullException? full = null;
        for (var n = 0; full is null; n++)
        {
            try
            {
                await log.AppendAsync(Entry(n));
                acknowledged.Add("k" + n);
            }
            catch (LogFullException e)
            {
                full = e;
            }
        }

        Assert.True(log.BytesOnDisk <= 8192);
        Assert.Equal(acknowledged, Keys(log));

        log.TruncateBefore(log.DurablePosition);
        await log.AppendAsync(Entry(9999));
        Assert.Equal("k9999", Keys(log)[^1]);
    }

    [Fact]
    public async Task WaitBeyondAsync_CompletesWhenAnAppendPassesThePosition()
    {
        using var folder = new TempFolder();
        await using var log = SegmentLog.Open(new SegmentLogOptions { Folder = folder.Path });
        var waiting = log.WaitBeyondAsync(log.DurablePosition);
        Assert.False(waiting.IsCompleted);

        await log.AppendAsync(Entry(1));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
