using System.Collections.Concurrent;
using Footfall.Events;
using Footfall.Storage;

namespace Footfall.Projects;

/// <summary>
/// Finds projects by public id (ingest) and by secret key (everything else), through an in-memory cache that
/// falls back to the store on a miss, so a project created on another node is found too. Misses are cached as well,
/// for <see cref="MissFreshness"/>: otherwise anyone could make every request with a wrong key reload every project,
/// or every request to an unknown project id query the store.
/// </summary>
public sealed class ProjectDirectory(IProjectCatalog store, TimeProvider clock) : IDisposable
{
    /// <summary>How long "no such project" and "no such key" are trusted: a project made on another node is found after this.</summary>
    public static readonly TimeSpan MissFreshness = TimeSpan.FromSeconds(2);

    /// <summary>At most this many unknown project ids are remembered; beyond it a miss asks the store again.</summary>
    public const int MaxRememberedMisses = 10_000;

    private readonly ConcurrentDictionary<string, Project> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Project> _byHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _unknownIds = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reloading = new(1, 1);

    // One reload of every project answers for every key unknown at that time: one entry, however many wrong keys come.
    private DateTime _keysReloadedAt = DateTime.MinValue;

    /// <summary>Creates a project; returns it and its secret key, which is shown this once and never stored.</summary>
    public async Task<(Project Project, string SecretKey)> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        var secret = ProjectKeys.NewSecretKey();
        var project = new Project(ProjectKeys.NewProjectId(), name, ProjectKeys.Hash(secret), EventTime.Now(clock));
        await store.CreateProjectAsync(project, cancellationToken);
        Remember(project);
        return (project, secret);
    }

    /// <summary>The project with that public id, or null.</summary>
    public async ValueTask<Project?> FindAsync(string projectId, CancellationToken cancellationToken = default)
    {
        if (_byId.TryGetValue(projectId, out var project))
            return project;
        var now = clock.GetUtcNow().UtcDateTime;
        if (_unknownIds.TryGetValue(projectId, out var expires) && expires > now)
            return null;
        project = await store.FindProjectAsync(projectId, cancellationToken);
        if (project is not null)
            Remember(project);
        else
            RememberUnknown(projectId, now + MissFreshness);
        return project;
    }

    /// <summary>The project a secret key opens, or null. The final comparison is constant-time.</summary>
    public async ValueTask<Project?> AuthenticateAsync(string secretKey, CancellationToken cancellationToken = default)
    {
        var hash = ProjectKeys.Hash(secretKey);
        if (!_byHash.TryGetValue(hash, out var project))
        {
            await ReloadKeysAsync(cancellationToken);
            if (!_byHash.TryGetValue(hash, out project))
                return null;
        }
        return ProjectKeys.Matches(secretKey, project.SecretHash) ? project : null;
    }

    // Reloads at most once per MissFreshness, and one caller at a time: concurrent wrong keys share one reload.
    private async Task ReloadKeysAsync(CancellationToken cancellationToken)
    {
        var asked = clock.GetUtcNow().UtcDateTime;
        if (asked < _keysReloadedAt + MissFreshness)
            return;
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            if (asked < _keysReloadedAt + MissFreshness)
                return;
            foreach (var p in await store.ListProjectsAsync(cancellationToken))
                Remember(p);
            _keysReloadedAt = clock.GetUtcNow().UtcDateTime;
        }
        finally
        {
            _reloading.Release();
        }
    }

    private void RememberUnknown(string projectId, DateTime expires)
    {
        if (_unknownIds.Count >= MaxRememberedMisses)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var (id, until) in _unknownIds)
                if (until <= now) _unknownIds.TryRemove(id, out _);
            if (_unknownIds.Count >= MaxRememberedMisses)
                return;
        }
        _unknownIds[projectId] = expires;
    }

    private void Remember(Project project)
    {
        _byId[project.Id] = project;
        _byHash[project.SecretHash] = project;
        _unknownIds.TryRemove(project.Id, out _);
    }

    /// <inheritdoc />
    public void Dispose() => _reloading.Dispose();
}
