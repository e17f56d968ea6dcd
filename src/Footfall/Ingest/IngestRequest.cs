using Footfall.Identity;

namespace Footfall.Ingest;

/// <summary>What one request asks of the engine: events to store, identifiers to link, attributes to set.</summary>
public sealed record IngestRequest(
    IReadOnlyList<EventCandidate> Candidates,
    IReadOnlyList<IdentityLink> Links,
    IReadOnlyList<AttributeWrite> Attributes);
