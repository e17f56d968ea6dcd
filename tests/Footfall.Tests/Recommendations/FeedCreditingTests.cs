using Footfall.Events;
using Footfall.Projects;
using Footfall.Recommendations;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Recommendations;

/// <summary>
/// Which responses a sourced event is credited to depends on the two times only, never on the range a report asks
/// about (found by the property tests against the definitions in Analytics/Definitions).
/// </summary>
public sealed class FeedCreditingTests : IAsyncLifetime
{
    private static readonly DateTime T0 = new(2024, 3, 10, 12, 0, 0, DateTimeKind.Utc);
    private readonly TempFolder _folder = new();
    private readonly string _project = ProjectKeys.NewProjectId();
    private DuckDbEventStore? _store;

    private DuckDbEventStore Store => _store!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _store = new DuckDbEventStore(Path.Combine(_folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance);
        await _store.InitializeAsync();
        await _store.CreateProjectAsync(new Project(_project, "shop", "hash", T0));
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Regression_ResponseServedAfterTheReportEnds_StillCreditsTheClickInside()
    {
        // The client's clock runs an hour behind the server's: its click is timed before the response it names.
        await Store.RecordResponsesAsync(_project, [new ServedResponse("r_1", FeedNames.Trending, T0.AddHours(1), ["sku-1"])]);
        await ClickAsync("r_1", T0);
        Assert.Equal(1, await ClicksAsync(T0.AddDays(-1), T0.AddMinutes(1)));
        Assert.Equal(1, await ClicksAsync(T0.AddDays(-1), T0.AddHours(2)));
    }

    [Fact]
    public async Task Regression_ResponseServedMoreThan30DaysBeforeTheClick_IsNotCredited()
    {
        await Store.RecordResponsesAsync(_project, [new ServedResponse("r_1", FeedNames.Trending, T0, ["sku-1"])]);
        await ClickAsync("r_1", T0.AddDays(30));
        await ClickAsync("r_1", T0.AddDays(30).AddMilliseconds(1));
        Assert.Equal(1, await ClicksAsync(T0.AddDays(10), T0.AddDays(31)));
        Assert.Equal(1, await ClicksAsync(T0.AddDays(-1), T0.AddDays(31)));
    }

    private Task ClickAsync(string responseId, DateTime time) => Store.CommitAsync([new ProjectWrite(_project, [new TrackedEvent
    {
        Action = BuiltInActions.ProductView, Time = time, ReceivedAt = time, GuestId = "g1", SourceId = responseId,
        Target = new Dictionary<string, string> { ["product"] = "sku-1" },
    }], [], [])]);

    private async Task<long> ClicksAsync(DateTime from, DateTime to) =>
        (await FeedAttribution.ComputeAsync(Store, Store, _project, from, to)).Single(f => f.Feed == FeedNames.Trending).Clicks;
}
