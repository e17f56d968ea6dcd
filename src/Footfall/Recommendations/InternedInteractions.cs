using Footfall.Storage;

namespace Footfall.Recommendations;

/// <summary>A window's product interactions with persons and items interned to numbers, as the definition reads them.</summary>
internal sealed class InternedInteractions
{
    private InternedInteractions(List<string> items, List<string?> categories, Dictionary<long, int> personIndex, Touch[] touches,
        (int, long)[] visits)
    {
        Items = items;
        Categories = categories;
        PersonIndex = personIndex;
        Touches = touches;
        Visits = visits;
    }

    /// <summary>Every item, in first-interaction order.</summary>
    public List<string> Items { get; }

    /// <summary>Per item, the category the latest interaction naming one gave: catalogues get re-filed.</summary>
    public List<string?> Categories { get; }

    /// <summary>The read's person numbers to interned ones.</summary>
    public Dictionary<long, int> PersonIndex { get; }

    /// <summary>Every interaction, oldest first.</summary>
    public Touch[] Touches { get; }

    /// <summary>Per touch, its visit: the person and session, or, for events without a session, the person and day.</summary>
    public (int Person, long Visit)[] Visits { get; }

    /// <summary>
    /// Interns <paramref name="set"/>: items are numbered in the order of their first interaction, or, for those in
    /// <paramref name="itemOrder"/>, in its order before every other (ties between items go to the smaller number).
    /// </summary>
    public static InternedInteractions From(ProductInteractionSet set, IReadOnlyList<string>? itemOrder = null)
    {
        var rows = set.Interactions;
        var itemIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var items = new List<string>();
        var categories = new List<string?>();
        if (itemOrder is not null)
        {
            var present = rows.Select(r => r.Item).ToHashSet(StringComparer.Ordinal);
            foreach (var item in itemOrder.Where(present.Contains))
            {
                itemIndex[item] = items.Count;
                items.Add(item);
                categories.Add(null);
            }
        }
        var personIndex = new Dictionary<long, int>();
        var touches = new Touch[rows.Count];
        var visits = new (int, long)[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (!itemIndex.TryGetValue(r.Item, out var item))
            {
                itemIndex[r.Item] = item = items.Count;
                items.Add(r.Item);
                categories.Add(null);
            }
            if (r.Category is not null)
                categories[item] = r.Category;
            if (!personIndex.TryGetValue(r.Person, out var person))
                personIndex[r.Person] = person = personIndex.Count;
            touches[i] = ToTouch(person, item, r.Action, r.Time);
            // Events without a session are grouped per person and day, the nearest thing to a visit.
            visits[i] = (person, r.Session ?? r.Time.Ticks / TimeSpan.TicksPerDay);
        }
        return new InternedInteractions(items, categories, personIndex, touches, visits);
    }

    public static Touch ToTouch(int person, int item, string action, DateTime time) =>
        new(person, item, time.Ticks, (float)RecommendationOptions.Weight(action), TouchKinds.Of(action));
}
