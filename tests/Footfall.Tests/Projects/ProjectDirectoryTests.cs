using Footfall.Projects;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Projects;

/// <summary>How often finding a project goes to the store, on a real DuckDB file.</summary>
public sealed class ProjectDirectoryTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly ManualClock _clock = new();
    private DuckDbEventStore _real = null!;
    private IProjectCatalog _store = null!;
    private CountingCatalog _counter = null!;
    private ProjectDirectory _directory = null!;

    public async Task InitializeAsync()
    {
        _real = new DuckDbEventStore(Path.Combine(_folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance);
        await _real.InitializeAsync();
        (_store, _counter) = CountingCatalog.Wrap(_real);
        _directory = new ProjectDirectory(_store, _clock);
    }

    public async Task DisposeAsync()
    {
        await _real.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Regression_WrongBearerKey_ReloadsEveryProject()
    {
        var (project, key) = await _directory.CreateAsync("shop");
        var wrong = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => _directory.AuthenticateAsync($"sk_wrong-{i}").AsTask()));
        Assert.All(wrong, Assert.Null);
        Assert.True(_counter.Count(nameof(IProjectCatalog.ListProjectsAsync)) <= 1, $"{_counter.Count(nameof(IProjectCatalog.ListProjectsAsync))} reloads");
        Assert.Equal(project, await _directory.AuthenticateAsync(key));

        // A project another node created is found once the remembered miss has expired.
        var otherKey = ProjectKeys.NewSecretKey();
        var other = new Project(ProjectKeys.NewProjectId(), "blog", ProjectKeys.Hash(otherKey), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        await _real.CreateProjectAsync(other);
        _clock.Advance(ProjectDirectory.MissFreshness);
        Assert.Equal(other, await _directory.AuthenticateAsync(otherKey));
    }

    [Fact]
    public async Task Regression_UnknownIngestProjectId_IsNotCached()
    {
        for (var i = 0; i < 50; i++)
            Assert.Null(await _directory.FindAsync("p_not-yet"));
        Assert.Equal(1, _counter.Count(nameof(IProjectCatalog.FindProjectAsync)));

        var late = new Project("p_not-yet", "late", ProjectKeys.Hash(ProjectKeys.NewSecretKey()), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        await _real.CreateProjectAsync(late);
        _clock.Advance(ProjectDirectory.MissFreshness);
        Assert.Equal(late, await _directory.FindAsync("p_not-yet"));
        Assert.Equal(late, await _directory.FindAsync("p_not-yet"));
        Assert.Equal(2, _counter.Count(nameof(IProjectCatalog.FindProjectAsync)));
    }

    [Fact]
    public async Task Remembered_unknown_ids_are_bounded_and_a_full_table_still_answers()
    {
        for (var i = 0; i < ProjectDirectory.MaxRememberedMisses + 10; i++)
            Assert.Null(await _directory.FindAsync($"p_unknown-{i}"));
        var asked = _counter.Count(nameof(IProjectCatalog.FindProjectAsync));
        // Past the bound a miss is not remembered, so it asks the store again; within it, it does not.
        Assert.Null(await _directory.FindAsync($"p_unknown-{ProjectDirectory.MaxRememberedMisses + 5}"));
        Assert.Null(await _directory.FindAsync("p_unknown-0"));
        Assert.Equal(asked + 1, _counter.Count(nameof(IProjectCatalog.FindProjectAsync)));
        // Expired entries make room again.
        _clock.Advance(ProjectDirectory.MissFreshness);
        Assert.Null(await _directory.FindAsync("p_fresh"));
        Assert.Null(await _directory.FindAsync("p_fresh"));
        Assert.Equal(asked + 2, _counter.Count(nameof(IProjectCatalog.FindProjectAsync)));
    }
}
