using Footfall.Experiences;

namespace Footfall.Storage.Deadlines;

/// <summary>A store's experience queries, each a scan under a <see cref="StoreDeadline"/>.</summary>
public sealed class DeadlineExperienceQueries(IExperienceQueries inner, StoreDeadline deadline) : IExperienceQueries
{
    /// <inheritdoc />
    public Task<IReadOnlyList<VariantCounts>> CountExperienceAsync(string projectId, ExperienceDefinition experience, TimeRange range, CancellationToken cancellationToken = default) =>
        deadline.ScanAsync(nameof(CountExperienceAsync), ct => inner.CountExperienceAsync(projectId, experience, range, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DailyVariantCounts>> ExperienceTimelineAsync(string projectId, ExperienceDefinition experience, string metric, TimeRange range,
        CancellationToken cancellationToken = default) =>
        deadline.ScanAsync(nameof(ExperienceTimelineAsync), ct => inner.ExperienceTimelineAsync(projectId, experience, metric, range, ct), cancellationToken);
}
