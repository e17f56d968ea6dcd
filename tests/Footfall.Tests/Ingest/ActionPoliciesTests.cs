using Footfall.Experiences;
using Footfall.Ingest;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Tests.Support;

namespace Footfall.Tests.Ingest;

public sealed class ActionPoliciesTests
{
    [Fact]
    public async Task Regression_ARefreshThatReadBeforeASave_DoesNotPutTheOldListsBack()
    {
        var clock = new ManualClock();
        var catalog = new SettingsOnlyCatalog();
        var policies = new ActionPolicies(catalog, clock);
        await policies.SaveAsync("p", new ActionLists([], ["old"]));
        Assert.Equal(["old"], (await policies.GetAsync("p")).Deny);

        // The cached lists expire; the next request serves them and starts a refresh, which reads the store and is
        // held there until the save below has finished.
        clock.Advance(ActionPolicies.Freshness);
        catalog.HoldNextRead();
        Assert.Equal(["old"], (await policies.GetAsync("p")).Deny);
        await catalog.ReadTaken;
        await policies.SaveAsync("p", new ActionLists([], ["new"]));
        // Releasing the read runs the refresh to its end on this thread.
        catalog.ReleaseRead();

        Assert.Equal(["new"], (await policies.GetAsync("p")).Deny);
    }

    /// <summary>Settings in memory; a read can be held after it has taken the stored value, as a slow store would.</summary>
    private sealed class SettingsOnlyCatalog : IProjectCatalog
    {
        private readonly Dictionary<(string, string), string> _settings = [];
        private TaskCompletionSource? _hold;
        private bool _holding;
        private readonly TaskCompletionSource _taken = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task ReadTaken => _taken.Task;

        public void HoldNextRead()
        {
            _hold = new TaskCompletionSource();
            _holding = true;
        }

        public void ReleaseRead() => _hold!.SetResult();

        public async Task<string?> GetSettingAsync(string projectId, string name, CancellationToken cancellationToken = default)
        {
            var value = _settings.GetValueOrDefault((projectId, name));
            if (_holding)
            {
                _holding = false;
                _taken.SetResult();
                await _hold!.Task;
            }
            return value;
        }

        public Task SaveSettingAsync(string projectId, string name, string json, CancellationToken cancellationToken = default)
        {
            _settings[(projectId, name)] = json;
            return Task.CompletedTask;
        }

        public Task CreateProjectAsync(Project project, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<Project?> FindProjectAsync(string projectId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<Project>> ListProjectsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task SaveExperienceAsync(string projectId, ExperienceDefinition experience, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
        public Task<IReadOnlyList<ExperienceDefinition>> ListExperiencesAsync(string projectId, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
