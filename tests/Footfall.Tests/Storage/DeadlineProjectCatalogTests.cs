using Footfall.Events;
using Footfall.Experiences;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Storage.Deadlines;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>The deadlines the server puts on the project catalogue's calls, over a real DuckDB file.</summary>
public sealed class DeadlineProjectCatalogTests
{
    private static readonly DateTime Time = new(2026, 12, 4, 6, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// Bug: saving the first experience that names a metric back-fills that metric's events from history and derives
    /// the experience's rollup, 5.1 s at 40M events, under the 5 s deadline of a point call: the PUT answered 503
    /// "retry" while the store finished the work anyway (at 100M every first save would). The save scans history, as
    /// results do, and gets the scan deadline. Here the point deadline is 1 ms, which no back-fill meets.
    /// </summary>
    [Fact]
    public async Task Regression_SavingAnExperienceAtSizeAnswered503_ItsBackFillGetsTheScanDeadline()
    {
        using var folder = new TempFolder();
        await using var store = new DuckDbEventStore(Path.Combine(folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance);
        await store.InitializeAsync();
        await store.CreateProjectAsync(new Project("p1", "shop", "hash", Time));
        var events = Enumerable.Range(0, 5000).Select(i => new TrackedEvent
        {
            Action = "signup", Time = Time.AddSeconds(i), ReceivedAt = Time.AddSeconds(i), GuestId = $"g{i % 700}",
        }).ToList();
        await new ApplierFeed().ApplyAsync(store, [new ProjectWrite("p1", events, [], [], EventSources.Native)]);
        var health = new StoreHealth();
        var catalog = new DeadlineProjectCatalog(store, new StoreDeadline(
            new StoreOptions { Timeout = TimeSpan.FromMilliseconds(1), ScanTimeout = TimeSpan.FromMinutes(10) }, health));

        await catalog.SaveExperienceAsync("p1", new ExperienceDefinition
        {
            ShortUid = "e1", Name = "e1", Variants = [new VariantDefinition("a", 1, null)], Metrics = ["signup"], AttributionDays = 30,
            Status = ExperienceStatus.Active, Tags = [], CreatedAt = Time,
        });

        Assert.True(health.IsUp, health.Problem);
        Assert.Equal(["e1"], (await store.ListExperiencesAsync("p1")).Select(e => e.ShortUid));
    }
}
