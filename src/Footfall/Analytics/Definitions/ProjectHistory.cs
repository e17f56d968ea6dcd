using Footfall.Events;
using Footfall.Identity;
using Footfall.Storage;

namespace Footfall.Analytics.Definitions;

/// <summary>
/// Everything one project was sent, as plain data in the order it was committed: events and explicit identity links,
/// and beside them the recommendation responses served. It is the input of every definition in this folder; the
/// stores and in-memory indexes must answer exactly what those definitions compute from it.
/// </summary>
/// <param name="Entries">Events and links, oldest commit first.</param>
/// <param name="Responses">The recommendation responses served to the project.</param>
public sealed record ProjectHistory(IReadOnlyList<HistoryEntry> Entries, IReadOnlyList<ServedResponse> Responses);

/// <summary>One thing a project was sent: an event or a link.</summary>
public abstract record HistoryEntry;

/// <summary>An event, as ingest accepted it (an event carrying both ids also links them).</summary>
public sealed record EventEntry(TrackedEvent Event) : HistoryEntry;

/// <summary>An explicit link of two identifiers (<c>POST /v1/identify</c> and the dialects' equivalents).</summary>
public sealed record LinkEntry(IdentityLink Link) : HistoryEntry;
