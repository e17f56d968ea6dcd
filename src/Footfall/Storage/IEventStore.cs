using Footfall.Events;
using Footfall.Experiences;
using Footfall.Identity;
using Footfall.Projects;

namespace Footfall.Storage;

/// <summary>
/// Where Footfall keeps everything. Two implementations (embedded DuckDB, ClickHouse) pass one conformance
/// suite; the engine above this interface never knows which one it talks to.
/// </summary>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>Creates the schema if missing and loads whatever in-memory state the store keeps.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    // ---- projects ----

    /// <summary>Stores a new project.</summary>
    Task CreateProjectAsync(Project project, CancellationToken cancellationToken = default);

    /// <summary>The project with that public id, or null.</summary>
    Task<Project?> FindProjectAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>Every project.</summary>
    Task<IReadOnlyList<Project>> ListProjectsAsync(CancellationToken cancellationToken = default);

    // ---- the write side: called by one group-commit loop per process ----

    /// <summary>
    /// Durably stores several projects' writes in one commit. Returns, per write, how many events were new and
    /// how many carried a key already stored. When this returns, everything counted is on disk.
    /// </summary>
    Task<IReadOnlyList<WriteOutcome>> CommitAsync(IReadOnlyList<ProjectWrite> writes, CancellationToken cancellationToken = default);

    // ---- configuration ----

    /// <summary>Creates or replaces an experience.</summary>
    Task SaveExperienceAsync(string projectId, ExperienceDefinition experience, CancellationToken cancellationToken = default);

    /// <summary>The project's experiences.</summary>
    Task<IReadOnlyList<ExperienceDefinition>> ListExperiencesAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>A named JSON setting of the project, or null.</summary>
    Task<string?> GetSettingAsync(string projectId, string name, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a named JSON setting.</summary>
    Task SaveSettingAsync(string projectId, string name, string json, CancellationToken cancellationToken = default);

    // ---- people ----

    /// <summary>The person an identifier belongs to, or null when it was never seen.</summary>
    Task<PersonRecord?> FindPersonAsync(string projectId, Identifier identifier, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> of the person's events, newest first, older than <paramref name="before"/> when given,
    /// and the cursor of the page after them.
    /// </summary>
    Task<ActivityPage> GetActivityAsync(string projectId, Identifier identifier, int limit, ActivityCursor? before = null,
        CancellationToken cancellationToken = default);

    /// <summary>Sets attributes on the identifier's person; a later value replaces an earlier one.</summary>
    Task SetAttributesAsync(string projectId, Identifier identifier, IReadOnlyDictionary<string, string> attributesJson, CancellationToken cancellationToken = default);

    /// <summary>Erases every event, identifier and attribute of the identifier's person; returns the events erased.</summary>
    Task<long> ErasePersonAsync(string projectId, Identifier identifier, CancellationToken cancellationToken = default);

    // ---- quarantine ----

    /// <summary>Rejected events, newest first.</summary>
    Task<IReadOnlyList<RejectedEvent>> GetRejectedAsync(string projectId, int limit, CancellationToken cancellationToken = default);

    // ---- analytics ----

    /// <summary>Impressions and attributed conversions per variant (CONTRACT §5), persons resolved through links.</summary>
    Task<IReadOnlyList<VariantCounts>> CountExperienceAsync(string projectId, ExperienceDefinition experience, TimeRange range, CancellationToken cancellationToken = default);

    /// <summary>Per day and variant, the persons first exposed that day and first converted on <paramref name="metric"/> that day.</summary>
    Task<IReadOnlyList<DailyVariantCounts>> ExperienceTimelineAsync(string projectId, ExperienceDefinition experience, string metric, TimeRange range, CancellationToken cancellationToken = default);

    /// <summary>Events per minute and action since <paramref name="since"/>.</summary>
    Task<IReadOnlyList<ActionCount>> CountByMinuteAsync(string projectId, DateTime since, CancellationToken cancellationToken = default);

    // ---- recommendations (CONTRACT §8) ----

    /// <summary>
    /// The project's product interactions (events whose action is one of <see cref="Events.BuiltInActions.ProductActions"/>
    /// and that carry <c>target.product</c>) with time in <paramref name="range"/>, oldest first, each filed under the
    /// person its identifier belongs to now. With <paramref name="sourcedOnly"/>, only those with a <c>sourceId</c>,
    /// and product <see cref="Events.BuiltInActions.Click"/>s as well (<see cref="Events.BuiltInActions.SourcedActions"/>).
    /// Erased persons are gone from it. Models are rebuilt from this in the background, never per request.
    /// </summary>
    Task<ProductInteractionSet> ReadProductInteractionsAsync(string projectId, TimeRange range, bool sourcedOnly = false, CancellationToken cancellationToken = default);

    /// <summary>Durably records served recommendation responses (an append; ids are unique).</summary>
    Task RecordResponsesAsync(string projectId, IReadOnlyList<ServedResponse> responses, CancellationToken cancellationToken = default);

    /// <summary>The responses served in <paramref name="range"/> (by <see cref="ServedResponse.Time"/>), any order.</summary>
    Task<IReadOnlyList<ServedResponse>> ReadResponsesAsync(string projectId, TimeRange range, CancellationToken cancellationToken = default);
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

/// <summary>A half-open time range [From, To); a null end is unbounded.</summary>
public readonly record struct TimeRange(DateTime? From, DateTime? To)
{
    /// <summary>All time.</summary>
    public static TimeRange All => default;

    /// <summary>Whether <paramref name="time"/> falls inside.</summary>
    public bool Contains(DateTime time) => (From is null || time >= From) && (To is null || time < To);
}

/// <summary>A person: the identifiers linked together, their attributes and a summary of their events.</summary>
public sealed record PersonRecord(
    IReadOnlyList<Identifier> Identifiers,
    IReadOnlyDictionary<string, string> AttributesJson,
    long EventCount,
    DateTime? FirstSeen,
    DateTime? LastSeen);

/// <summary>Counts for one variant of an experience.</summary>
/// <param name="Variant">The variant's short uid.</param>
/// <param name="Impressions">Distinct persons with an impression of it in the range.</param>
/// <param name="Metrics">Attributed conversions per metric action (absent: none).</param>
/// <param name="FirstImpression">The earliest impression of it in the range, if any.</param>
public sealed record VariantCounts(string Variant, long Impressions, IReadOnlyDictionary<string, MetricCounts> Metrics,
    DateTime? FirstImpression = null);

/// <summary>Attributed conversions of one metric.</summary>
/// <param name="Conversions">Metric events attributed to the variant.</param>
/// <param name="ConvertedUsers">Distinct persons with at least one.</param>
public readonly record struct MetricCounts(long Conversions, long ConvertedUsers);

/// <summary>Persons newly exposed and newly converted on one day, for one variant.</summary>
public sealed record DailyVariantCounts(DateOnly Day, string Variant, long NewImpressions, long NewConvertedUsers);

/// <summary>A count of events of one action in one minute.</summary>
public sealed record ActionCount(DateTime Minute, string Action, long Count);
