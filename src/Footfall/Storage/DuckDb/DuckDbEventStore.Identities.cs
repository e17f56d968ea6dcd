using Footfall.Identity;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore
{
    /// <summary>How many identifiers the identity cache holds before it is emptied, when none is given.</summary>
    public const int DefaultIdentityCacheSize = 200_000;

    // The idents table is the identity map; _identities caches a working set of it for the writer: every identifier
    // a batch names, each with all the identifiers of its person, read before the batch is planned. Past
    // _identityCacheSize identifiers it is emptied after a commit, so its memory does not grow with history.
    private readonly int _identityCacheSize;
    // 64-bit hashes of every stored identifier, 8 bytes each: a miss proves an identifier is new, so a first
    // visit (most identifiers a batch names) costs no look-up in the idents table.
    private readonly EventKeyIndex _knownIdentifiers = new();

    private void LoadIdentifierHashes()
    {
        _knownIdentifiers.Clear();
        using (var reader = Query(_writeConnection, "SELECT project, key FROM idents"))
        {
            while (reader.Read())
                _knownIdentifiers.Add(EventKeyIndex.Hash(reader.GetInt32(0), reader.GetString(1)));
        }
        _identities.Clear(Scalar<long>(_writeConnection, "SELECT coalesce(max(id), 0) + 1 FROM idents"));
    }

    /// <summary>Reads into the cache the persons of every identifier the writes name. Caller holds the gate and the cache.</summary>
    private void CacheIdentities(IReadOnlyList<ProjectWrite> writes)
    {
        // One look-up per project, not per write: each scans the idents table, and a batch holds many writes.
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

    /// <summary>Reads into the cache the persons of <paramref name="identifiers"/> that may be stored but are not cached.</summary>
    private void CacheIdentities(int project, IEnumerable<Identifier> identifiers)
    {
        var missing = identifiers.Select(i => i.Key).Distinct()
            .Where(key => _identities.Find(project, key) is null && _knownIdentifiers.MightContain(EventKeyIndex.Hash(project, key)))
            .ToList();
        if (missing.Count == 0)
            return;
        using var reader = Query(_writeConnection, """
            SELECT id, project, key, person FROM idents
            WHERE person IN (SELECT person FROM idents WHERE project = $p AND key IN (SELECT unnest($keys)))
            """, ("p", project), ("keys", missing));
        while (reader.Read())
        {
            // A person is cached whole or not at all, so an identifier already cached brings no new person.
            if (_identities.Find(reader.GetInt32(1), reader.GetString(2)) is null)
                _identities.Load(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3));
        }
    }

    /// <summary>Notes the identifiers a commit stored, and empties the cache once it is full. Caller holds the gate.</summary>
    private void IdentitiesCommitted(IEnumerable<long> newIdentifiers)
    {
        lock (_identities)
        {
            foreach (var id in newIdentifiers)
                _knownIdentifiers.Add(EventKeyIndex.Hash(_identities.ProjectOf(id), _identities.KeyOf(id)));
            if (_identities.Count > _identityCacheSize)
                _identities.Clear(_identities.NextId);
        }
    }

    /// <summary>The person of an identifier and all its identifiers, read from the idents table, or null when unknown.</summary>
    private static (long Person, List<Identifier> Identifiers)? ReadPerson(DuckDB.NET.Data.DuckDBConnection connection, int project, Identifier identifier)
    {
        using var reader = Query(connection, """
            SELECT person, key FROM idents
            WHERE person = (SELECT any_value(person) FROM idents WHERE project = $p AND key = $k) ORDER BY id
            """, ("p", project), ("k", identifier.Key));
        long person = 0;
        var identifiers = new List<Identifier>();
        while (reader.Read())
        {
            person = reader.GetInt64(0);
            identifiers.Add(Identifier.FromKey(reader.GetString(1)));
        }
        return identifiers.Count == 0 ? null : (person, identifiers);
    }
}
