namespace Footfall.Storage;

/// <summary>The recommendation responses served, which <c>sourceId</c> attribution joins on (CONTRACT §8).</summary>
public interface IServedResponseStore
{
    /// <summary>Durably records served recommendation responses (an append; ids are unique).</summary>
    Task RecordResponsesAsync(string projectId, IReadOnlyList<ServedResponse> responses, CancellationToken cancellationToken = default);

    /// <summary>The responses served in <paramref name="range"/> (by <see cref="ServedResponse.Time"/>), any order.</summary>
    Task<IReadOnlyList<ServedResponse>> ReadResponsesAsync(string projectId, TimeRange range, CancellationToken cancellationToken = default);
}
