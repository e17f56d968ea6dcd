using Footfall.Experiences;
using Footfall.Projects;

namespace Footfall.Storage;

/// <summary>The project catalogue and each project's configuration: experiences and named settings.</summary>
public interface IProjectCatalog
{
    /// <summary>Stores a new project.</summary>
    Task CreateProjectAsync(Project project, CancellationToken cancellationToken = default);

    /// <summary>The project with that public id, or null.</summary>
    Task<Project?> FindProjectAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>Every project.</summary>
    Task<IReadOnlyList<Project>> ListProjectsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces an experience.</summary>
    Task SaveExperienceAsync(string projectId, ExperienceDefinition experience, CancellationToken cancellationToken = default);

    /// <summary>The project's experiences.</summary>
    Task<IReadOnlyList<ExperienceDefinition>> ListExperiencesAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>A named JSON setting of the project, or null.</summary>
    Task<string?> GetSettingAsync(string projectId, string name, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a named JSON setting.</summary>
    Task SaveSettingAsync(string projectId, string name, string json, CancellationToken cancellationToken = default);
}
