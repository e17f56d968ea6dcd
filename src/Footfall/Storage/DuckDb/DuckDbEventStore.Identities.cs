using Footfall.Identity;
using RocksDbSharp;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore
{
    /// <summary>How many identifiers the identity cache holds before it is emptied, when none is given.</summary>
    public const int DefaultIdentityCacheSize = 200_000;

    // The idents table is the identity map; _identities caches a working set of it for the writer: every identifier
    // a batch names, each with all the identifiers of its person, read before the batch is planned. Past
    // _identityCacheSize identifiers it is emptied after a commit, so its memory does not grow with history.
    private readonly int _identityCacheSize;

    private IdentityIndex Index => _identityIndex ?? throw new InvalidOperationException("the store is not initialised");

    // The identifiers whose person is not their own number. A person's number is its first identifier's, so an
    // identifier's person is coalesce(m.person, identifier) over a left join to these: only the identifiers that joined
    // another person (a link, or a second identifier of one event) are looked up, a few of idents' rows.
    private const string MovedIdents = "(FROM idents WHERE person <> id)";

    /// <summary>Reads into the cache the persons of every identifier the writes name. Caller holds the gate and the cache.</summary>
    private void CacheIdentities(IReadOnlyList<ProjectWrite> writes)
    {
        foreach (var project in writes.GroupBy(w => w.ProjectId, StringComparer.Ordinal))
        {
            var identifiers = project.SelectMany(write => write.Links.SelectMany(l => new[] { l.A, l.B })
                .Concat(write.Events.SelectMany(Named)));
            CacheIdentities(ProjectNumber(project.Key), identifiers);
        }
    }

    private static IEnumerable<Identifier> Named(Events.TrackedEvent e)
    {
        yield return e.Actor;
        if (e.UserId is not null) yield return Identifier.User(e.UserId);
        if (e.GuestId is not null) yield return Identifier.Guest(e.GuestId);
    }

    /// <summary>Reads into the cache the persons of <paramref name="identifiers"/> that are stored but not cached.</summary>
    private void CacheIdentities(int project, IEnumerable<Identifier> identifiers)
    {
        var missing = identifiers.Select(i => i.Key).Distinct().Where(key => _identities.Find(project, key) is null).ToList();
        var persons = Index.Find(project, missing).OfType<(long Id, long Person)>().Select(f => f.Person).Distinct().ToList();
        var members = Index.Members(persons);
        for (var i = 0; i < persons.Count; i++)
        {
            foreach (var (id, memberProject, key) in members[i])
            {
                // A person is cached whole or not at all, so an identifier already cached brings no new person.
                if (_identities.Find(memberProject, key) is null)
                    _identities.Load(id, memberProject, key, persons[i]);
            }
        }
    }

    /// <summary>The persons a planned commit creates, merges into or absorbs. Caller holds the cache.</summary>
    private List<long> ChangedPersons(CommitPlan plan) =>
        plan.NewIdentifiers.Select(_identities.PersonOf)
            .Concat(plan.Merges.SelectMany(m => new[] { _identities.PersonOf(m.Kept), m.Absorbed }))
            .Distinct().ToList();

    /// <summary>
    /// Writes a committed plan to the index: its new identifiers, every identifier of a merged person under its final
    /// person, its product touches, impressions and metric events, and the seqs of its other events.
    /// </summary>
    private void IndexCommitted(CommitPlan plan) =>
        IndexCommitted(plan.IdentityGeneration, plan.Events.Count == 0 ? null : plan.Events[^1].Seq, batch =>
        {
            IndexPlan(plan, batch);
            var kept = new HashSet<long>();
            foreach (var (e, _, ident, seq) in plan.ProductTouches)
            {
                IdentityIndex.PutTouch(batch, ident, seq, e.Time, e.Action, e.Product!);
                kept.Add(seq);
            }
            foreach (var (ident, seq, row) in plan.Exposures)
            {
                IdentityIndex.PutExposure(batch, ident, seq, row);
                kept.Add(seq);
            }
            foreach (var (ident, seq, row) in plan.MetricEvents)
            {
                IdentityIndex.PutMetricEvent(batch, ident, seq, row);
                kept.Add(seq);
            }
            // Every event is under one tag at least: an erasure finds them all (IdentityIndex.EventSeqs).
            foreach (var (_, _, ident, seq) in plan.Events)
                if (!kept.Contains(seq))
                    IdentityIndex.PutEvent(batch, ident, seq);
        });

    /// <summary>Brings the index to a commit's generation and rows (up to <paramref name="rowsUpTo"/>), where it changed them, then trims the cache.</summary>
    private void IndexCommitted(long? generation, long? rowsUpTo, Action<WriteBatch> change)
    {
        lock (_identities)
        {
            if (generation is not null || rowsUpTo is not null)
                WriteIdentityIndex(generation, rowsUpTo, change);
            TrimIdentityCache();
        }
    }

    private void IndexPlan(CommitPlan plan, WriteBatch batch)
    {
        foreach (var absorbed in plan.Merges.Select(m => m.Absorbed).Distinct())
            IdentityIndex.RemovePerson(batch, absorbed);
        foreach (var person in plan.Merges.Select(m => _identities.PersonOf(m.Absorbed)).Concat(plan.NewIdentifiers.Select(_identities.PersonOf)).Distinct())
            Put(batch, person, _identities.Members(person).Select(id => (id, _identities.ProjectOf(id), _identities.KeyOf(id))).ToList());
    }

    /// <summary>Empties the cache once it is full. Caller holds the cache.</summary>
    private void TrimIdentityCache()
    {
        if (_identities.Count > _identityCacheSize)
            _identities.Clear(_identities.NextId);
    }

    /// <summary>The person of an identifier, from the index, or null when unknown.</summary>
    private long? FindPerson(int project, Identifier identifier) => Index.Find(project, [identifier.Key])[0]?.Person;

    /// <summary>The numbers and identifiers of all the identifiers of an identifier's person, or null when unknown.</summary>
    private (List<long> Ids, List<Identifier> Identifiers)? ReadPerson(int project, Identifier identifier)
    {
        if (FindPerson(project, identifier) is not { } person)
            return null;
        var members = Index.Members(person);
        return (members.Select(m => m.Id).ToList(), members.Select(m => Identifier.FromKey(m.Key)).ToList());
    }
}
