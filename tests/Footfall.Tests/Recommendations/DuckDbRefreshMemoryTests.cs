using Footfall.Events;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Recommendations;

/// <summary>A model refresh on DuckDB within the store's memory limit: every step of it must spill, none may only fail.</summary>
public sealed class DuckDbRefreshMemoryTests
{
    private const int Touches = 200_000;
    private const int Items = 3_000;

    /// <summary>
    /// Bug: the refresh ranked each visit's items with a window over every visit (and a struct max per visit and item),
    /// which DuckDB could not spill: a 10M-event refresh failed with "Out of Memory" in a 512 MB buffer (the feed
    /// answered 503) and held 2.3 GB in the default 2 GB one. 200,000 touches failed the same way in 64 MB (in 32 MB, since
    /// the identifier indexes of migration 10 share the buffer, the new SQL failed too, in one run of two).
    /// </summary>
    [Fact]
    public async Task Regression_VisitRankingWindowCouldNotSpill_RefreshFitsA64MBBuffer()
    {
        using var folder = new TempFolder();
        await using var store = new DuckDbEventStore(Path.Combine(folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance, memoryLimit: "64MB");
        await store.InitializeAsync();
        var now = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        await store.CreateProjectAsync(new Project("p1", "shop", "h", now.AddYears(-1)));
        // Four touches a person over two sessions; an item by a multiplicative hash, so visits pair items widely.
        var visitItems = new HashSet<(int Person, int Session, int Item)>();
        foreach (var batch in Enumerable.Range(0, Touches).Chunk(5_000))
        {
            var events = batch.Select(i =>
            {
                var (person, session, item) = (i / 4, i % 2, (int)((uint)i * 2654435761u % Items));
                visitItems.Add((person, session, item));
                var time = now.AddSeconds(-i);
                return new TrackedEvent
                {
                    Action = BuiltInActions.ProductView, Time = time, ReceivedAt = time, UserId = $"u{person}", SessionId = $"s{person}-{session}",
                    Target = new Dictionary<string, string> { ["product"] = $"sku-{item}" },
                };
            }).ToList();
            await store.CommitAsync([new ProjectWrite("p1", events, [], [])]);
        }

        var window = await store.ReadItemWindowAsync("p1", now.AddDays(-30), new ItemWindowShape(20, 50));

        Assert.Equal(Items, window.Items.Count);
        Assert.Equal(Touches, window.Interactions);
        Assert.Equal(visitItems.Count, window.Reach.Sum());
        Assert.All(window.Neighbours, n => Assert.NotEmpty(n));
    }
}
