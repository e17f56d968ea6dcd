using CsCheck;
using Footfall.Analytics.Definitions;
using Footfall.Projects;
using Footfall.Recommendations;
using Footfall.Storage;

namespace Footfall.Tests.Analytics.Definitions;

/// <summary>
/// Each store answers every random history exactly as the definitions do: experience counts and the timeline for
/// every range asked, and recommendation performance. A failure prints the smallest history CsCheck found.
/// </summary>
public abstract class StoreAgreesWithDefinitions : IAsyncLifetime
{
    private IEventStore? _store;

    /// <summary>A new store (not yet initialized), empty the first time; with <see cref="Reopens"/>, on the same data after.</summary>
    protected abstract Task<IEventStore> CreateStoreAsync();

    /// <summary>How many random histories one run checks: each is a fresh project in the same store.</summary>
    protected abstract int Histories { get; }

    /// <summary>How a commit reaches the store: its synchronous commit unless a subclass feeds another path.</summary>
    protected virtual Task WriteAsync(IEventStore store, IReadOnlyList<ProjectWrite> writes) => store.CommitAsync(writes);

    /// <summary>Whether the store can be closed and opened again on the same data, for the answers after a restart.</summary>
    protected virtual bool Reopens => false;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.InitializeAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_store is not null)
            await _store.DisposeAsync();
    }

    [Fact]
    public Task Experience_counts_timeline_and_feed_performance_equal_the_definitions() =>
        RandomHistories.Any.SampleAsync(CheckAsync, iter: Histories, threads: 1, print: h => h.ToString());

    private async Task CheckAsync(RandomHistory random)
    {
        var store = _store!;
        var project = ProjectKeys.NewProjectId();
        await store.CreateProjectAsync(new Project(project, "random", "hash", RandomHistories.T0));
        if (random.SaveExperienceFirst)
            await store.SaveExperienceAsync(project, random.Experience);
        foreach (var commit in random.Commits)
            await WriteAsync(store, RandomHistory.Writes(project, commit));
        if (!random.SaveExperienceFirst)
            await store.SaveExperienceAsync(project, random.Experience);
        await store.RecordResponsesAsync(project, random.Responses);

        var expected = ResolvedHistory.Resolve(random.History);
        await CompareAsync(store, project, random, expected);
        if (!Reopens)
            return;
        // What a store keeps in memory is rebuilt from its files at start.
        await store.DisposeAsync();
        _store = await CreateStoreAsync();
        await _store.InitializeAsync();
        await CompareAsync(_store, project, random, expected);
    }

    private static async Task CompareAsync(IEventStore store, string project, RandomHistory random, ResolvedHistory expected)
    {
        foreach (var range in random.Ranges)
        {
            Assert.Equal(Show(ExperienceCounting.Count(expected, random.Experience, range)),
                Show(await store.CountExperienceAsync(project, random.Experience, range)));
            foreach (var metric in random.Experience.Metrics)
            {
                Assert.Equal(Show(ExperienceCounting.Timeline(expected, random.Experience, metric, range)),
                    Show(await store.ExperienceTimelineAsync(project, random.Experience, metric, range)));
            }
            var (from, to) = (range.From ?? RandomHistories.T0.AddDays(-60), range.To ?? RandomHistories.T0.AddDays(60));
            Assert.Equal(FeedCrediting.Compute(expected, from, to), await FeedAttribution.ComputeAsync(store, store, project, from, to));
        }
    }

    /// <summary>Counts in one order and one line each, so a mismatch reads as a diff.</summary>
    internal static string Show(IEnumerable<VariantCounts> counts) => string.Join("\n", counts
        .Select(c => $"{c.Variant}: {c.Impressions} first {c.FirstImpression:O} " +
            string.Join(" ", c.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value.Conversions}/{m.Value.ConvertedUsers}")))
        .Order(StringComparer.Ordinal));

    private static string Show(IEnumerable<DailyVariantCounts> days) =>
        string.Join("\n", days.Select(d => $"{d.Day:O} {d.Variant}: {d.NewImpressions} {d.NewConvertedUsers}").Order(StringComparer.Ordinal));
}
