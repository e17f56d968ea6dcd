using Footfall.Identity;

namespace Footfall.Storage.Deadlines;

/// <summary>A store's people, each call under a <see cref="StoreDeadline"/>.</summary>
public sealed class DeadlinePeopleStore(IPeopleStore inner, StoreDeadline deadline) : IPeopleStore
{
    /// <inheritdoc />
    public Task<PersonRecord?> FindPersonAsync(string projectId, Identifier identifier, CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(FindPersonAsync), ct => inner.FindPersonAsync(projectId, identifier, ct), cancellationToken);

    /// <inheritdoc />
    public Task<ActivityPage> GetActivityAsync(string projectId, Identifier identifier, int limit, ActivityCursor? before = null,
        CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(GetActivityAsync), ct => inner.GetActivityAsync(projectId, identifier, limit, before, ct), cancellationToken);

    /// <inheritdoc />
    public Task SetAttributesAsync(string projectId, Identifier identifier, IReadOnlyDictionary<string, string> attributesJson, CancellationToken cancellationToken = default) =>
        deadline.CallAsync(nameof(SetAttributesAsync), ct => inner.SetAttributesAsync(projectId, identifier, attributesJson, ct), cancellationToken);

    /// <inheritdoc />
    public Task<long> ErasePersonAsync(string projectId, Identifier identifier, CancellationToken cancellationToken = default) =>
        deadline.ScanAsync(nameof(ErasePersonAsync), ct => inner.ErasePersonAsync(projectId, identifier, ct), cancellationToken);
}
