using Footfall.Events;
using Footfall.Identity;
using Footfall.Storage;

namespace Footfall.Ingest;

/// <summary>
/// The one way events enter Footfall, whatever the entry point: validate each candidate, apply the project's
/// action lists, set aside what fails with its reason, and wait until the rest is durably committed.
/// </summary>
public sealed class IngestPipeline(IIngestWriter writer, ActionPolicies policies, IPeopleStore store, TimeProvider clock)
{
    /// <summary>
    /// Stores a request: its events and links in one durable commit, then its attribute writes in order.
    /// </summary>
    /// <exception cref="IngestQueueFullException">The commit queue is full; the client should retry later.</exception>
    public async Task<IngestResult> IngestAsync(string projectId, string source, IngestRequest request, CancellationToken cancellationToken = default)
    {
        // An identifier's own attributes are read before its links apply: afterwards they are mixed with the other person's.
        var own = new Dictionary<Identifier, IReadOnlyDictionary<string, string>>();
        foreach (var keep in request.Attributes.Where(a => a.Values is null))
        {
            if ((await store.FindPersonAsync(projectId, keep.Person, cancellationToken))?.AttributesJson is { Count: > 0 } values)
                own[keep.Person] = values;
        }
        var result = request.Candidates.Count == 0 && request.Links.Count == 0
            ? new IngestResult(0, 0, [])
            : await IngestAsync(projectId, source, request.Candidates, request.Links, cancellationToken);
        foreach (var write in request.Attributes)
        {
            // A write that only makes attributes win over a link has nothing to win over when the link rule refused it.
            if (write.Values is null && result.RefusedLinks > 0)
                continue;
            if ((write.Values ?? own.GetValueOrDefault(write.Person)) is { Count: > 0 } values)
                await store.SetAttributesAsync(projectId, write.Person, values, cancellationToken);
        }
        return result;
    }

    /// <summary>Validates, files and commits a batch; returns once the accepted events are durable.</summary>
    /// <exception cref="IngestQueueFullException">The commit queue is full; the client should retry later.</exception>
    /// <exception cref="StoreUnavailableException">The store failed or missed its deadline; the client should retry later.</exception>
    public async Task<IngestResult> IngestAsync(string projectId, string source, IReadOnlyList<EventCandidate> candidates,
        IReadOnlyList<IdentityLink>? links = null, CancellationToken cancellationToken = default)
    {
        var lists = await policies.GetAsync(projectId, cancellationToken);
        var now = EventTime.Now(clock);
        var events = new List<TrackedEvent>(candidates.Count);
        List<RejectedEvent>? rejected = null;
        List<IngestRejection>? rejections = null;
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            var error = Refusal(candidate, lists);
            if (error is null)
            {
                events.Add(candidate.Event!);
                continue;
            }
            (rejected ??= []).Add(Quarantined(now, source, error, candidate.Raw) with { Identifiers = candidate.IdentifiersFor(source) });
            (rejections ??= []).Add(new IngestRejection(i, error));
        }
        // A link is made of the identifiers of an event, which is refused above when one breaks the text rule.
        var storableLinks = links?.Where(l => TextRule.Problem(l.A.Value) is null && TextRule.Problem(l.B.Value) is null).ToList();
        var write = new ProjectWrite(projectId, events, storableLinks ?? [], (IReadOnlyList<RejectedEvent>?)rejected ?? [], source);
        if (!writer.TryEnqueue(write, out var committed, cancellationToken))
            throw new IngestQueueFullException();
        var outcome = await committed;
        IngestMetrics.Accepted.Add(outcome.Accepted, new KeyValuePair<string, object?>("source", source));
        if (outcome.Duplicates > 0)
            IngestMetrics.Duplicates.Add(outcome.Duplicates, new KeyValuePair<string, object?>("source", source));
        if (rejected is not null)
            IngestMetrics.Rejected.Add(rejected.Count, new KeyValuePair<string, object?>("source", source));
        return new IngestResult(outcome.Accepted, outcome.Duplicates, (IReadOnlyList<IngestRejection>?)rejections ?? [], outcome.RefusedLinks);
    }

    /// <summary>What <see cref="IngestAsync"/> would refuse in the batch, and why, without storing anything (the dry run).</summary>
    public async Task<IReadOnlyList<IngestRejection>> CheckAsync(string projectId, IReadOnlyList<EventCandidate> candidates,
        CancellationToken cancellationToken = default)
    {
        var lists = await policies.GetAsync(projectId, cancellationToken);
        var rejections = new List<IngestRejection>();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (Refusal(candidates[i], lists) is { } error)
                rejections.Add(new IngestRejection(i, error));
        }
        return rejections;
    }

    private static string? Refusal(EventCandidate candidate, ActionLists lists) =>
        candidate.Error ?? EventValidator.Validate(candidate.Event!) ?? lists.Refuse(candidate.Event!.Action);

    // What is kept aside must itself be safe to store and to read back, whatever the client sent.
    private static RejectedEvent Quarantined(DateTime now, string source, string error, string raw)
    {
        var safeRaw = TextRule.Escape(raw, out var escaped);
        var safeError = TextRule.Escape(error, out _);
        return new RejectedEvent(now, source, escaped ? safeError + " (characters that cannot be stored are escaped as \\uXXXX in raw)" : safeError, safeRaw);
    }

    /// <summary>
    /// Links identifiers durably, through the same commit queue as events; false when <see cref="LinkRule"/> refused
    /// the link (it is then kept aside with its reason).
    /// </summary>
    public async Task<bool> LinkAsync(string projectId, string source, IReadOnlyList<IdentityLink> links, CancellationToken cancellationToken = default)
    {
        if (!writer.TryEnqueue(new ProjectWrite(projectId, [], links, [], source), out var committed, cancellationToken))
            throw new IngestQueueFullException();
        return (await committed).RefusedLinks == 0;
    }
}

/// <summary>What happened to a batch (the body of the ingest response).</summary>
/// <param name="Accepted">Events stored.</param>
/// <param name="Duplicates">Events whose id was already stored.</param>
/// <param name="Rejected">Events refused, by index.</param>
/// <param name="RefusedLinks">Links between the events' identifiers that the link rule refused (the events are stored).</param>
public sealed record IngestResult(int Accepted, int Duplicates, IReadOnlyList<IngestRejection> Rejected, int RefusedLinks = 0);

/// <summary>One refused event: its index in the batch and why.</summary>
public sealed record IngestRejection(int Index, string Error);

/// <summary>The commit queue is full: answer 503 with Retry-After.</summary>
public sealed class IngestQueueFullException(string message = "the ingest queue is full; retry shortly") : Exception(message);
