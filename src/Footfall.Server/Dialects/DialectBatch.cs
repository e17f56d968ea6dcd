using System.Text.Json;
using Footfall.Identity;
using Footfall.Ingest;

namespace Footfall.Server.Dialects;

/// <summary>What one request translated into: event candidates, links between identifiers, attribute writes.</summary>
public sealed class DialectBatch
{
    private readonly List<EventCandidate> _candidates = [];
    private readonly List<IdentityLink> _links = [];
    private readonly List<AttributeWrite> _attributes = [];

    /// <summary>The candidates so far.</summary>
    public IReadOnlyList<EventCandidate> Candidates => _candidates;

    /// <summary>The attribute writes so far.</summary>
    public IReadOnlyList<AttributeWrite> Attributes => _attributes;

    /// <summary>Names <paramref name="identifiers"/> (ones that came in headers) on every candidate so far.</summary>
    public void NameOnEach(IReadOnlyList<Identifier> identifiers)
    {
        for (var i = 0; i < _candidates.Count; i++)
            _candidates[i] = _candidates[i].WithIdentifiers(identifiers);
    }

    /// <summary>Adds a translated event.</summary>
    public void Add(EventCandidate candidate) => _candidates.Add(candidate);

    /// <summary>Adds an item that cannot be translated: it is kept aside with <paramref name="error"/>.</summary>
    public void Reject(string error, JsonElement raw) => _candidates.Add(EventCandidate.Invalid(error, raw));

    /// <summary>Adds a link between two identifiers of one person (a link to itself is dropped).</summary>
    public void Link(Identifier a, Identifier b)
    {
        if (a != b) _links.Add(new IdentityLink(a, b));
    }

    /// <summary>Adds an attribute write, applied after the events and links are committed.</summary>
    public void Write(AttributeWrite write) => _attributes.Add(write);

    /// <summary>The engine's request.</summary>
    public IngestRequest ToRequest() => new(_candidates, _links.Distinct().ToList(), _attributes);
}
