namespace Footfall.Recommendations;

/// <summary>
/// The items a model knows and what it keeps per item. Item numbers are positions in first-interaction order, so
/// ordering by number breaks every ranking's ties the same way in every model built over the same window.
/// </summary>
internal sealed class ItemCatalogue
{
    private readonly IReadOnlyList<string> _items;
    private readonly IReadOnlyList<string?> _categories;
    private readonly Dictionary<string, int> _index;

    public ItemCatalogue(IReadOnlyList<string> items, IReadOnlyList<string?> categories, IReadOnlyList<IReadOnlyList<(int Item, float Score)>> neighbours,
        long[] repurchaseTicks)
        : this(items, categories, neighbours, repurchaseTicks, new Dictionary<string, int>(items.Count, StringComparer.Ordinal))
    {
        for (var i = 0; i < items.Count; i++)
            _index[items[i]] = i;
    }

    private ItemCatalogue(IReadOnlyList<string> items, IReadOnlyList<string?> categories, IReadOnlyList<IReadOnlyList<(int Item, float Score)>> neighbours,
        long[] repurchaseTicks, Dictionary<string, int> index)
    {
        _items = items;
        _categories = categories;
        Neighbours = neighbours;
        RepurchaseTicks = repurchaseTicks;
        _index = index;
    }

    public IReadOnlyList<IReadOnlyList<(int Item, float Score)>> Neighbours { get; }

    public long[] RepurchaseTicks { get; }

    public int Count => _items.Count;

    /// <summary>Every item, by number.</summary>
    public IReadOnlyList<string> Names => _items;

    public string Name(int item) => _items[item];

    public bool InCategory(int item, string category) => string.Equals(_categories[item], category, StringComparison.Ordinal);

    public bool TryIndex(string item, out int index) => _index.TryGetValue(item, out index);

    /// <summary>The same items (and their index, read only) with other neighbours and intervals (an erasure's recount, a hiding).</summary>
    public ItemCatalogue With(IReadOnlyList<IReadOnlyList<(int Item, float Score)>> neighbours, long[] repurchaseTicks) =>
        new(_items, _categories, neighbours, repurchaseTicks, _index);
}
