namespace Footfall.Identity;

/// <summary>
/// Identifiers and the persons they form, as a union-find over interned identifier numbers. A person's id is
/// the number of one of its identifiers; merging two persons keeps the larger one's id, so the fewest
/// stored rows change. A store may hold only part of its identifiers here (a cache), as long as every person
/// present has all its identifiers present. Not thread-safe: the owning store serialises access.
/// </summary>
internal sealed class IdentityGraph
{
    private readonly Dictionary<(int Project, string Key), long> _ids = new();
    private readonly Dictionary<long, long> _personOf = new();
    private readonly Dictionary<long, List<long>> _members = new();
    private readonly Dictionary<long, (int Project, string Key)> _keys = new();
    // Persons holding at least one identifying user id (LinkRule.Identifies): what the link rule asks of a person.
    private readonly HashSet<long> _identified = new();

    /// <summary>The next unused identifier number.</summary>
    public long NextId { get; private set; } = 1;

    /// <summary>How many identifiers are known.</summary>
    public int Count => _ids.Count;

    /// <summary>Adds an identifier as it was stored (at start-up).</summary>
    public void Load(long id, int project, string key, long person)
    {
        _ids[(project, key)] = id;
        _keys[id] = (project, key);
        _personOf[id] = person;
        if (!_members.TryGetValue(person, out var list))
            _members[person] = list = [];
        list.Add(id);
        if (LinkRule.Identifies(Identifier.FromKey(key)))
            _identified.Add(person);
        NextId = Math.Max(NextId, id + 1);
    }

    /// <summary>The number of an identifier, or null if never seen.</summary>
    public long? Find(int project, string key) => _ids.TryGetValue((project, key), out var id) ? id : null;

    /// <summary>The number of an identifier, creating it (as a person of its own) when new.</summary>
    public long GetOrAdd(int project, string key, out bool created)
    {
        if (_ids.TryGetValue((project, key), out var id))
        {
            created = false;
            return id;
        }
        id = NextId++;
        Load(id, project, key, id);
        created = true;
        return id;
    }

    /// <summary>The person an identifier belongs to.</summary>
    public long PersonOf(long id) => _personOf[id];

    /// <summary>The person an identifier belongs to, or null when it is not known (erased).</summary>
    public long? TryPersonOf(long id) => _personOf.TryGetValue(id, out var person) ? person : null;

    /// <summary>Whether the person holds an identifying user id.</summary>
    public bool IsIdentified(long person) => _identified.Contains(person);

    /// <summary>Every identifier number of a person.</summary>
    public IReadOnlyList<long> Members(long person) => _members.TryGetValue(person, out var list) ? list : [];

    /// <summary>The project number an identifier belongs to.</summary>
    public int ProjectOf(long id) => _keys[id].Project;

    /// <summary>The stored key (<c>u:alice</c>) of an identifier number.</summary>
    public string KeyOf(long id) => _keys[id].Key;

    /// <summary>Links two identifiers; returns (kept, absorbed) persons when two persons became one, else null.</summary>
    public (long Kept, long Absorbed)? Link(long a, long b)
    {
        var pa = _personOf[a];
        var pb = _personOf[b];
        if (pa == pb)
            return null;
        var (kept, absorbed) = _members[pa].Count >= _members[pb].Count ? (pa, pb) : (pb, pa);
        var moving = _members[absorbed];
        foreach (var id in moving)
            _personOf[id] = kept;
        _members[kept].AddRange(moving);
        _members.Remove(absorbed);
        if (_identified.Remove(absorbed))
            _identified.Add(kept);
        return (kept, absorbed);
    }

    /// <summary>Forgets a person and all its identifiers (erasure).</summary>
    public void Remove(long person)
    {
        if (!_members.Remove(person, out var list))
            return;
        _identified.Remove(person);
        foreach (var id in list)
        {
            _personOf.Remove(id);
            _ids.Remove(_keys[id]);
            _keys.Remove(id);
        }
    }

    /// <summary>Forgets every identifier; the next new one is numbered <paramref name="nextId"/>.</summary>
    public void Clear(long nextId = 1)
    {
        _ids.Clear();
        _personOf.Clear();
        _members.Clear();
        _keys.Clear();
        _identified.Clear();
        NextId = nextId;
    }
}
