using Footfall.Events;
using Footfall.Identity;

namespace Footfall.Log;

/// <summary>
/// One acknowledged ingest request, as the ingest log holds it: the project, the entry point, the events that passed
/// validation, the identity links they carry and the events rejected with their reasons. The applier turns it into a
/// store write; applying the same entry twice must store it once.
/// </summary>
/// <param name="ProjectId">The project the request was for.</param>
/// <param name="Source">The entry point the request came in by (<see cref="EventSources"/>).</param>
/// <param name="Events">The validated events.</param>
/// <param name="Links">Identifiers the request says belong to one person.</param>
/// <param name="Rejected">Events that failed validation, kept aside with the reason.</param>
public sealed record LogEntry(
    string ProjectId,
    string Source,
    IReadOnlyList<TrackedEvent> Events,
    IReadOnlyList<IdentityLink> Links,
    IReadOnlyList<RejectedEvent> Rejected);
