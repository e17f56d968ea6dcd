namespace Footfall.ClickHouse;

/// <summary>
/// Union-find over identifier keys, for the links a node has read back from ClickHouse. A person is named by
/// the smallest key of its component, so every node that sees the same links names it the same way.
/// </summary>
internal sealed class PersonComponents
{
    private readonly Dictionary<string, string> _parent = new(StringComparer.Ordinal);

    public void Add(string key) => _parent.TryAdd(key, key);

    public void Union(string a, string b)
    {
        var ra = Root(a);
        var rb = Root(b);
        if (ra == rb) return;
        // The smaller key becomes the root, so the root is the component's name.
        if (string.CompareOrdinal(ra, rb) < 0) _parent[rb] = ra;
        else _parent[ra] = rb;
    }

    public string Root(string key)
    {
        Add(key);
        var root = key;
        while (_parent[root] != root) root = _parent[root];
        while (_parent[key] != root)
        {
            var next = _parent[key];
            _parent[key] = root;
            key = next;
        }
        return root;
    }

    /// <summary>Every key, grouped by person.</summary>
    public IEnumerable<IGrouping<string, string>> Components() => _parent.Keys.ToList().GroupBy(Root, StringComparer.Ordinal);
}
