using Footfall.Identity;

namespace Footfall.ClickHouse;

/// <summary>
/// Union-find over identifier keys, for the links a node has read back from ClickHouse. A person is named by
/// the smallest key of its component, so every node that sees the same links names it the same way.
/// </summary>
internal sealed class PersonComponents
{
    private readonly Dictionary<string, string> _parent = new(StringComparer.Ordinal);
    // Roots of the components holding an identifying user id (what LinkRule asks of a person).
    private readonly HashSet<string> _identified = new(StringComparer.Ordinal);

    public void Add(string key)
    {
        if (_parent.TryAdd(key, key) && LinkRule.Identifies(Identifier.FromKey(key)))
            _identified.Add(key);
    }

    /// <summary>Whether the component of <paramref name="key"/> holds an identifying user id.</summary>
    public bool IsIdentified(string key) => _identified.Contains(Root(key));

    public void Union(string a, string b)
    {
        var ra = Root(a);
        var rb = Root(b);
        if (ra == rb) return;
        // The smaller key becomes the root, so the root is the component's name.
        var (root, child) = string.CompareOrdinal(ra, rb) < 0 ? (ra, rb) : (rb, ra);
        _parent[child] = root;
        if (_identified.Remove(child))
            _identified.Add(root);
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
