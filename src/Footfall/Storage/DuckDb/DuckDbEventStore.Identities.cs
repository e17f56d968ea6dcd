using Footfall.Identity;
using Microsoft.Extensions.Logging;
using RocksDbSharp;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore
{
    /// <summary>How many identifiers the identity cache holds before it is emptied, when none is given.</summary>
    public const int DefaultIdentityCacheSize = 200_000;

    // Persons logged between two flushes of the identity index: what a restart after a crash re-derives at most, and
    // what ident_log holds at most.
    private const int IdentityIndexFlushEvery = 50_000;

    // The idents table is the identity map; _identities caches a working set of it for the writer: every identifier
    // a batch names, each with all the identifiers of its person, read before the batch is planned. Past
    // _identityCacheSize identifiers it is emptied after a commit, so its memory does not grow with history.
    private readonly int _identityCacheSize;
    // Point look-ups into idents (IdentityIndex explains how it stays right); opened by InitializeAsync.
    private IdentityIndex? _identityIndex;
    // The last ident_log generation committed, the one durable in the index, and persons logged since that flush.
    private long _identityGeneration;
    private int _personsLoggedSinceFlush;

    private IdentityIndex Index => _identityIndex ?? throw new InvalidOperationException("the store is not initialised");

    /// <summary>
    /// Opens the identity index and brings it to the last committed generation: the persons logged since its
    /// position are re-derived from idents; an index that is new, ahead of the log or behind its trimmed start is
    /// rebuilt whole (once, on the first start of a folder written before it existed). Caller holds the gate.
    /// </summary>
    private void OpenIdentityIndex()
    {
        _identityIndex ??= IdentityIndex.Open(_path + ".identities");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        long generation, oldest;
        using (var reader = Query(_writeConnection, "SELECT coalesce(max(gen), 0), coalesce(min(gen), 0) FROM ident_log"))
        {
            reader.Read();
            (generation, oldest) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        var position = _identityIndex.Position;
        if (position == generation)
            _logger.LogInformation("The identity index is at generation {Generation}", generation);
        else if (position is { } behind && behind < generation && behind + 1 >= oldest)
            CatchUpIdentityIndex(behind, generation);
        else
            RebuildIdentityIndex(generation);
        _identityGeneration = generation;
        FlushIdentityIndex();
        _logger.LogInformation("Identity index ready in {Ms} ms", (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private void CatchUpIdentityIndex(long position, long generation)
    {
        var persons = new List<long>();
        using (var reader = Query(_writeConnection, "SELECT DISTINCT person FROM ident_log WHERE gen > $g", ("g", position)))
        {
            while (reader.Read())
                persons.Add(reader.GetInt64(0));
        }
        using var batch = new WriteBatch();
        foreach (var person in persons)
            Index.Forget(batch, person);
        using (var reader = Query(_writeConnection, "SELECT id, project, key, person FROM idents WHERE person IN (SELECT unnest($persons)) ORDER BY person",
            ("persons", persons)))
        {
            foreach (var (person, members) in Persons(reader))
                Put(batch, person, members);
        }
        Index.Write(batch, generation);
        _logger.LogWarning("The identity index was behind (a crash): re-derived {Persons} persons of generations {From}-{To}",
            persons.Count, position + 1, generation);
    }

    private void RebuildIdentityIndex(long generation)
    {
        Index.Clear();
        var batch = new WriteBatch();
        var identifiers = 0L;
        using (var reader = Query(_writeConnection, "SELECT id, project, key, person FROM idents ORDER BY person"))
        {
            foreach (var (person, members) in Persons(reader))
            {
                Put(batch, person, members);
                identifiers += members.Count;
                if (identifiers % 100_000 >= members.Count)
                    continue;
                // No position yet: flushes keep the order of writes, so an index holding its position holds all of these.
                Index.Load(batch);
                batch.Dispose();
                batch = new WriteBatch();
            }
        }
        Index.Write(batch, generation);
        batch.Dispose();
        _logger.LogInformation("Built the identity index from {Identifiers} identifiers", identifiers);
    }

    /// <summary>The rows (id, project, key, person) of a reader ordered by person, a person at a time.</summary>
    private static IEnumerable<(long Person, List<(long Id, int Project, string Key)> Members)> Persons(System.Data.Common.DbDataReader reader)
    {
        var members = new List<(long Id, int Project, string Key)>();
        var person = 0L;
        while (reader.Read())
        {
            if (reader.GetInt64(3) != person && members.Count > 0)
            {
                yield return (person, members);
                members = [];
            }
            person = reader.GetInt64(3);
            members.Add((reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2)));
        }
        if (members.Count > 0)
            yield return (person, members);
    }

    private static void Put(WriteBatch batch, long person, List<(long Id, int Project, string Key)> members)
    {
        foreach (var (id, project, key) in members)
            IdentityIndex.PutIdentifier(batch, id, project, key, person);
        IdentityIndex.PutPerson(batch, person, members);
    }

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

    /// <summary>
    /// Logs the persons a transaction creates, merges or erases in ident_log, inside that transaction; returns the
    /// generation to write to the index once it commits, or null when nothing changed. Caller holds the gate.
    /// </summary>
    private long? LogIdentityChange(IReadOnlyCollection<long> persons)
    {
        if (persons.Count == 0)
            return null;
        var generation = _identityGeneration + 1;
        _personsLoggedSinceFlush += persons.Count;
        using var appender = _writeConnection.CreateAppender("ident_log");
        foreach (var person in persons)
            appender.CreateRow().AppendValue(generation).AppendValue(person).EndRow();
        return generation;
    }

    /// <summary>The persons a planned commit creates, merges into or absorbs. Caller holds the cache.</summary>
    private List<long> ChangedPersons(CommitPlan plan) =>
        plan.NewIdentifiers.Select(_identities.PersonOf)
            .Concat(plan.Merges.SelectMany(m => new[] { _identities.PersonOf(m.Kept), m.Absorbed }))
            .Distinct().ToList();

    /// <summary>Writes a committed plan's identifiers to the index: new ones, and every identifier of a merged person under its final person.</summary>
    private void IndexCommitted(CommitPlan plan)
    {
        lock (_identities)
        {
            if (plan.IdentityGeneration is { } committed)
                WriteIdentityIndex(committed, batch => IndexPlan(plan, batch));
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

    /// <summary>
    /// Brings the index to a committed generation. A failure leaves the index behind what the writer's next batch
    /// would read, so the store refuses every call until a restart catches the index up. Caller holds the gate.
    /// </summary>
    private void WriteIdentityIndex(long generation, Action<WriteBatch> change)
    {
        try
        {
            using var batch = new WriteBatch();
            change(batch);
            Index.Write(batch, generation);
            _identityGeneration = generation;
            if (_personsLoggedSinceFlush >= IdentityIndexFlushEvery)
                FlushIdentityIndex();
        }
        catch (RocksDbException ex)
        {
            _broken = ex;
            _logger.LogCritical(ex, "Writing the identity index failed after a commit; the store needs a restart");
            throw new StoreBrokenException("the identity index could not be written; the process must restart", ex);
        }
    }

    /// <summary>Makes the index durable and trims ident_log below it. Caller holds the gate.</summary>
    private void FlushIdentityIndex()
    {
        var durable = Index.Checkpoint();
        _personsLoggedSinceFlush = 0;
        // The last generation stays: its number is where the next one counts from.
        Execute(_writeConnection, "DELETE FROM ident_log WHERE gen < $g", ("g", durable));
    }

    /// <summary>Flushes the index, so the next start needs no catch-up, and closes it. Caller holds the gate.</summary>
    private void DisposeIdentityIndex()
    {
        try
        {
            _identityIndex?.Checkpoint();
        }
        catch (RocksDbException ex)
        {
            _logger.LogWarning(ex, "Flushing the identity index at shutdown failed; the next start re-derives what it lost from ident_log");
        }
        _identityIndex?.Dispose();
    }

    /// <summary>The person of an identifier, from the index, or null when unknown.</summary>
    private long? FindPerson(int project, Identifier identifier) => Index.Find(project, [identifier.Key])[0]?.Person;

    /// <summary>The person of an identifier, with the numbers and identifiers of all its identifiers, or null when unknown.</summary>
    private (long Person, List<long> Ids, List<Identifier> Identifiers)? ReadPerson(int project, Identifier identifier)
    {
        if (FindPerson(project, identifier) is not { } person)
            return null;
        var members = Index.Members(person);
        return (person, members.Select(m => m.Id).ToList(), members.Select(m => Identifier.FromKey(m.Key)).ToList());
    }
}
