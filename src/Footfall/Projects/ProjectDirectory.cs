using System.Collections.Concurrent;
using Footfall.Events;
using Footfall.Storage;

namespace Footfall.Projects;

/// <summary>
/// Finds projects by public id (ingest) and by secret key (everything else), through an in-memory cache that
/// falls back to the store on a miss, so a project created on another node is found too.
/// </summary>
public sealed class ProjectDirectory(IEventStore store, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Project> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Project> _byHash = new(StringComparer.Ordinal);

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
        project = await store.FindProjectAsync(projectId, cancellationToken);
        if (project is not null)
            Remember(project);
        return project;
    }

    /// <summary>The project a secret key opens, or null. The final comparison is constant-time.</summary>
    public async ValueTask<Project?> AuthenticateAsync(string secretKey, CancellationToken cancellationToken = default)
    {
        var hash = ProjectKeys.Hash(secretKey);
        if (!_byHash.TryGetValue(hash, out var project))
        {
            foreach (var p in await store.ListProjectsAsync(cancellationToken))
                Remember(p);
            if (!_byHash.TryGetValue(hash, out project))
                return null;
        }
        return ProjectKeys.Matches(secretKey, project.SecretHash) ? project : null;
    }

    private void Remember(Project project)
    {
        _byId[project.Id] = project;
        _byHash[project.SecretHash] = project;
    }
}
