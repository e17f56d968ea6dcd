using Footfall.Events;
using Footfall.Identity;

namespace Footfall.Storage;

/// <summary>
/// The store's write door outside the ingest log (<see cref="ILogSink"/> is the log's): link-only writes (identify,
/// merges) once the log is applied, tests and benchmarks, and the group commit of a store no log feeds (none today).
/// </summary>
public interface IEventCommitter
{
    /// <summary>
    /// Durably stores several projects' writes in one commit. Returns, per write, how many events were new and
    /// how many carried a key already stored. When this returns, everything counted is on disk.
    /// </summary>
    Task<IReadOnlyList<WriteOutcome>> CommitAsync(IReadOnlyList<ProjectWrite> writes, CancellationToken cancellationToken = default);
}

/// <summary>
/// One request's worth of writes for one project. The store applies it in order: the merges among
/// <paramref name="Links"/>, then its other links (grouped by <see cref="LinkRule.Groups"/>), then each event with
/// the link between its user id and guest id; every link but a merge goes through <see cref="LinkRule"/>.
/// </summary>
/// <param name="ProjectId">The project.</param>
/// <param name="Events">Validated events.</param>
/// <param name="Links">Identifiers named as one person apart from the events' own user and guest ids.</param>
/// <param name="Rejected">Events refused before the store, kept aside.</param>
/// <param name="Source">The entry point, recorded with the links the store refuses.</param>
public sealed record ProjectWrite(
    string ProjectId,
    IReadOnlyList<TrackedEvent> Events,
    IReadOnlyList<IdentityLink> Links,
    IReadOnlyList<RejectedEvent> Rejected,
    string Source = EventSources.Native);

/// <summary>What a commit did with one <see cref="ProjectWrite"/>.</summary>
/// <param name="Accepted">Events stored.</param>
/// <param name="Duplicates">Events whose key was already stored.</param>
/// <param name="RefusedLinks">Link groups <see cref="LinkRule"/> refused (kept aside in the quarantine).</param>
public readonly record struct WriteOutcome(int Accepted, int Duplicates, int RefusedLinks = 0);
