using CsCheck;
using DuckDB.NET.Data;
using Footfall.Analytics.Definitions;
using Footfall.Events;
using Footfall.Experiences;
using Footfall.Identity;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Analytics.Definitions;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>
/// The DuckDB results rollups (<c>exposed</c>, <c>attributed</c>), kept by the applier, against the definitions on
/// random histories in the cases that re-derive them: links that arrive after the impressions they re-file, a changed
/// experience definition, and an erasure. The identity cache holds two identifiers, so batches read persons back from disk.
/// </summary>
public sealed class DuckDbRollupTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ApplierFeed _feed = new();
    private DuckDbEventStore _store = null!;

    private string DatabasePath => Path.Combine(_folder.Path, "f.duckdb");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _store = new DuckDbEventStore(DatabasePath, NullLogger<DuckDbEventStore>.Instance, identityCacheSize: 2);
        await _store.InitializeAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await _store.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();

    [Fact]
    public Task Links_applied_after_the_impressions_file_the_guests_rollup_rows_under_the_user() =>
        RandomHistories.Any.SampleAsync(async random =>
        {
            // Every event first, then every link in batches of its own: each link re-keys rollup rows already written.
            var entries = random.Commits.SelectMany(c => c).ToList();
            var events = entries.OfType<EventEntry>().Cast<HistoryEntry>().ToList();
            var links = entries.OfType<LinkEntry>().Select(l => (IReadOnlyList<HistoryEntry>)[l]);
            var reordered = random with { Commits = [.. new[] { events }.Where(c => c.Count > 0), .. links], SaveExperienceFirst = true };
            var project = await WriteAsync(reordered);
            await AssertAgreesAsync(project, reordered.Experience, random.Ranges, ResolvedHistory.Resolve(reordered.History));
        }, iter: 30, threads: 1, print: h => h.ToString());

    [Fact]
    public Task A_changed_definition_re_derives_the_experience_and_an_unsaved_one_is_answered_too() =>
        Gen.Select(RandomHistories.Any, Gen.Int[0, 3], Gen.Int[0, 2]).SampleAsync(async t =>
        {
            var (random, days, metrics) = t;
            var project = await WriteAsync(random);
            var expected = ResolvedHistory.Resolve(random.History);
            string[][] metricChoices = [["signup"], [BuiltInActions.Purchase], ["signup", BuiltInActions.Purchase]];
            var changed = random.Experience with { AttributionDays = days, Metrics = metricChoices[metrics] };
            await _store.SaveExperienceAsync(project, changed);
            await AssertAgreesAsync(project, changed, random.Ranges, expected);
            // The first definition, no longer saved: asked for, it is derived again before it is answered.
            await AssertAgreesAsync(project, random.Experience, random.Ranges, expected);
        }, iter: 30, threads: 1, print: t => $"days={t.Item2} metrics={t.Item3}\n{t.Item1}");

    [Fact]
    public Task An_erased_person_leaves_no_rollup_row_and_the_others_still_agree() =>
        RandomHistories.Any.SampleAsync(async random =>
        {
            var project = await WriteAsync(random);
            // Counting first derives everything the erasure has to remove.
            await _store.CountExperienceAsync(project, random.Experience, TimeRange.All);
            var erased = Identifier.Guest("g0a");
            await _store.ErasePersonAsync(project, erased);

            var full = ResolvedHistory.Resolve(random.History);
            var person = full.PersonOf(erased);
            var kept = random.History.Entries.Where(e => e switch
            {
                EventEntry { Event: var ev } => full.PersonOf(ev) != person,
                LinkEntry { Link: var l } => full.PersonOf(l.A) != person,
                _ => true,
            }).ToList();
            await AssertAgreesAsync(project, random.Experience, random.Ranges, ResolvedHistory.Resolve(random.History with { Entries = kept }));
            Assert.Equal(0, OrphanRollupRows());
        }, iter: 30, threads: 1, print: h => h.ToString());

    [Fact]
    public Task Two_definitions_asked_at_once_are_each_answered_by_their_own_rule() =>
        RandomHistories.Any.SampleAsync(async random =>
        {
            var project = await WriteAsync(random);
            var expected = ResolvedHistory.Resolve(random.History);
            // Each request re-derives the rollup under its window, so the other's snapshot may no longer match its own.
            var wider = random.Experience with { AttributionDays = random.Experience.AttributionDays + 1 };
            await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
                AssertAgreesAsync(project, i % 2 == 0 ? random.Experience : wider, random.Ranges, expected))));
        }, iter: 15, threads: 1, print: h => h.ToString());

    /// <summary>A new project holding the history, applied batch by batch as the log's applier does.</summary>
    private async Task<string> WriteAsync(RandomHistory random)
    {
        var project = ProjectKeys.NewProjectId();
        await _store.CreateProjectAsync(new Project(project, "random", "hash", RandomHistories.T0));
        if (random.SaveExperienceFirst)
            await _store.SaveExperienceAsync(project, random.Experience);
        foreach (var commit in random.Commits)
        {
            await _feed.ApplyAsync(_store, RandomHistory.Writes(project, commit));
        }
        if (!random.SaveExperienceFirst)
            await _store.SaveExperienceAsync(project, random.Experience);
        return project;
    }

    private async Task AssertAgreesAsync(string project, ExperienceDefinition experience, IReadOnlyList<TimeRange> ranges, ResolvedHistory expected)
    {
        foreach (var range in ranges.Append(TimeRange.All))
        {
            Assert.Equal(StoreAgreesWithDefinitions.Show(ExperienceCounting.Count(expected, experience, range)),
                StoreAgreesWithDefinitions.Show(await _store.CountExperienceAsync(project, experience, range)));
            foreach (var metric in experience.Metrics)
            {
                Assert.Equal(ExperienceCounting.Timeline(expected, experience, metric, range),
                    await _store.ExperienceTimelineAsync(project, experience, metric, range));
            }
        }
    }

    /// <summary>Rollup rows whose person is in no project's identity map any more: what an erasure must not leave.</summary>
    private long OrphanRollupRows()
    {
        using var connection = new DuckDBConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM exposed x WHERE x.person NOT IN (SELECT person FROM idents))
                 + (SELECT count(*) FROM attributed a WHERE a.person NOT IN (SELECT person FROM idents))
            """;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
