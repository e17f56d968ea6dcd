using Footfall.Recommendations;
using Footfall.Tests.Support;

namespace Footfall.Tests.Recommendations;

/// <summary>
/// The compaction a model swap schedules: the holes dropped arrays leave in the large object heap are given back, where
/// the GC's own full collections leave them (177 MB of them at 100M events, docs/benchmarks.md section 8). Alone in the
/// test process: a full collection of any test beside it (every in-process server's model swap schedules one) would
/// change what the last full collection reports.
/// </summary>
[Collection(Name)]
public sealed class LargeObjectHeapTrimTests
{
    /// <summary>The collection that runs alone.</summary>
    public const string Name = "the large object heap, alone";

    private const int Generations = 3; // gen0, gen1, gen2: the large object heap comes next in GCMemoryInfo.GenerationInfo

    [Fact]
    public async Task A_scheduled_trim_compacts_the_holes_a_full_collection_leaves_in_the_large_object_heap()
    {
        using var trim = new LargeObjectHeapTrim(TimeProvider.System);
        var kept = new List<byte[]>();
        for (var i = 0; i < 128; i++)
        {
            var array = new byte[256 * 1024];
            if (i % 2 == 0)
                kept.Add(array);
        }
        GC.Collect();
        var holes = GC.GetGCMemoryInfo(GCKind.FullBlocking).GenerationInfo[Generations].FragmentationAfterBytes;
        Assert.True(holes >= 8 << 20, $"a full collection left {holes:N0} bytes of holes, not the 64 dropped arrays' 16 MB");

        trim.Schedule();
        trim.Schedule();
        await Poll.UntilAsync(() => Task.FromResult(trim.Compactions > 0), TimeSpan.FromSeconds(60), "the trim did not run");

        var compacted = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        Assert.True(compacted.Compacted);
        Assert.True(compacted.GenerationInfo[Generations].FragmentationAfterBytes < holes / 4,
            $"{compacted.GenerationInfo[Generations].FragmentationAfterBytes:N0} bytes of holes left of {holes:N0}");
        Assert.Equal(1, trim.Compactions);
        GC.KeepAlive(kept);
    }
}

/// <summary>Runs <see cref="LargeObjectHeapTrimTests"/> after every other test class, none beside it.</summary>
[CollectionDefinition(LargeObjectHeapTrimTests.Name, DisableParallelization = true)]
public sealed class LargeObjectHeapCollection;
