using CsCheck;
using Footfall.Ingest;
using Footfall.Log;
using Footfall.Tests.Support;

namespace Footfall.Tests.Log;

public sealed class IdempotencyKeyIndexTests
{
    private static KeyIndexOptions Options(string folder) => new() { Folder = folder, WriteBufferBytes = 1 << 20, BlockCacheBytes = 1 << 20 };

    [Fact]
    public void Contains_AfterAdd_FindsTheKeyInItsProjectOnly()
    {
        using var folder = new TempFolder();
        using var index = IdempotencyKeyIndex.Open(Options(folder.Path));

        index.Add([("p1", "k1"), ("p1", "ключ-2")], 100);

        Assert.True(index.Contains("p1", "k1"));
        Assert.True(index.Contains("p1", "ключ-2"));
        Assert.False(index.Contains("p2", "k1"));
        Assert.False(index.Contains("p1", "k3"));
        Assert.Equal(100, index.Position);
    }

    [Fact]
    public void Property_Contains_ForAWholeRequest_AgreesWithOneLookupPerKey()
    {
        using var folder = new TempFolder();
        using var index = IdempotencyKeyIndex.Open(Options(folder.Path));
        var position = 0L;
        var key = Gen.Frequency((6, Gen.Int[0, 300].Select(n => (string?)("k" + n))), (1, Gen.Const((string?)null)),
            (1, Gen.String[Gen.Char.AlphaNumeric, 0, 600].Select(s => (string?)s)));
        Gen.Select(key.Array[0, 60], key.Array[0, 60], Gen.OneOf("p1", "p2")).Sample((stored, asked, project) =>
        {
            index.Add(stored.OfType<string>().Select(k => (project, k)), ++position);

            var found = index.Contains(project, asked);

            Assert.Equal(asked.Select(k => k is not null && index.Contains(project, k)), found);
            Assert.All(stored.OfType<string>(), k => Assert.True(index.Contains(project, [k])[0]));
        }, iter: 200, threads: 1);
    }

    [Fact]
    public void Contains_OfAKeyLongerThanTheStackBuffer_Works()
    {
        using var folder = new TempFolder();
        using var index = IdempotencyKeyIndex.Open(Options(folder.Path));
        var key = new string('k', 2000);

        index.Add([("p1", key)], 1);

        Assert.True(index.Contains("p1", key));
        Assert.False(index.Contains("p1", key + "x"));
    }

    [Fact]
    public void Open_AfterARestart_StillHoldsEveryKeyAndThePosition()
    {
        using var folder = new TempFolder();
        using (var index = IdempotencyKeyIndex.Open(Options(folder.Path)))
        {
            for (var n = 0; n < 50; n++)
                index.Add(Enumerable.Range(n * 1000, 1000).Select(k => ("p1", "k" + k)), (n + 1) * 10);
        }

        using var reopened = IdempotencyKeyIndex.Open(Options(folder.Path));

        Assert.Equal(500, reopened.Position);
        Assert.True(reopened.Contains("p1", "k0"));
        Assert.True(reopened.Contains("p1", "k49999"));
        Assert.False(reopened.Contains("p1", "k50000"));
    }

    [Fact]
    public async Task CatchUp_AddsTheKeysOfOnlyTheEntriesPastItsPosition()
    {
        using var folder = new TempFolder();
        await using var log = SegmentLog.Open(new SegmentLogOptions { Folder = Path.Combine(folder.Path, "log") });
        using var index = IdempotencyKeyIndex.Open(Options(Path.Combine(folder.Path, "keys")));
        for (var n = 0; n < 100; n++)
            await log.AppendAsync(SegmentLogTests.Entry(n));

        Assert.Equal(100, index.CatchUp(log));
        for (var n = 100; n < 120; n++)
            await log.AppendAsync(SegmentLogTests.Entry(n));

        Assert.Equal(20, index.CatchUp(log));
        Assert.Equal(log.DurablePosition, index.Position);
        Assert.All(Enumerable.Range(0, 120), n => Assert.True(index.Contains("p1", "k" + n)));
        Assert.Equal(log.DurablePosition, index.Checkpoint());
    }

    [Fact]
    public void Add_BehindThePosition_IsRefused()
    {
        using var folder = new TempFolder();
        using var index = IdempotencyKeyIndex.Open(Options(folder.Path));
        index.Add([("p1", "k1")], 100);

        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add([("p1", "k2")], 50));
    }
}
