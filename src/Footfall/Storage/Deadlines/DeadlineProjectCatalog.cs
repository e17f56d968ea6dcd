using Footfall.Experiences;
using Footfall.Projects;

namespace Footfall.Storage.Deadlines;

/// <summary>A store's project catalogue, each call under a <see cref="StoreDeadline"/>.</summary>
public sealed class DeadlineProjectCatalog(IProjectCatalog inner, StoreDeadline deadline) : IProjectCatalog
{
    /// <inheritdoc />
    public Task CreateProjectAsync(Project project, CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(CreateProjectAsync), ct => inner.CreateProjectAsync(project, ct), cancellationToken);

    /// <inheritdoc />
    public Task<Project?> FindProjectAsync(string projectId, CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(FindProjectAsync), ct => inner.FindProjectAsync(projectId, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Project>> ListProjectsAsync(CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(ListProjectsAsync), inner.ListProjectsAsync, cancellationToken);

    /// <inheritdoc />
    public Task SaveExperienceAsync(string projectId, ExperienceDefinition experience, CancellationToken cancellationToken = default) =>
        // A scan: the first definition that names a metric back-fills its events from history and derives the experience's
        // rollup (5.1 s at 40M events), the work a results read would otherwise do.
        deadline.ScanAsync(nameof(SaveExperienceAsync), ct => inner.SaveExperienceAsync(projectId, experience, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ExperienceDefinition>> ListExperiencesAsync(string projectId, CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(ListExperiencesAsync), ct => inner.ListExperiencesAsync(projectId, ct), cancellationToken);

    /// <inheritdoc />
    public Task<string?> GetSettingAsync(string projectId, string name, CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(GetSettingAsync), ct => inner.GetSettingAsync(projectId, name, ct), cancellationToken);

    /// <inheritdoc />
    public Task SaveSettingAsync(string projectId, string name, string json, CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(SaveSettingAsync), ct => inner.SaveSettingAsync(projectId, name, json, ct), cancellationToken);
}
