using Footfall.Storage;

namespace Footfall.Recommendations;

/// <summary>
/// The definition of what <see cref="IInteractionSource"/>'s aggregate reads return, computed from a window's product
/// interactions as <see cref="RecommendationModel"/> computes them: a store without these aggregates in SQL answers
/// with these (reading the interactions at each call), and the property tests hold the SQL of the others to them.
/// </summary>
public static class InteractionAggregates
{
    /// <summary>Items in first-interaction order, their latest category, reach and top neighbours.</summary>
    public static ItemWindow ItemWindow(ProductInteractionSet set, ItemWindowShape shape)
    {
        var w = InternedInteractions.From(set);
        var (reach, _) = ItemSimilarity.Count(w.Touches, w.Visits, w.Items.Count, shape.MaxItemsPerVisit, changed: null);
        var neighbours = ItemSimilarity.Build(w.Touches, w.Visits, w.Items.Count, shape.MaxItemsPerVisit, shape.Neighbours);
        return new ItemWindow(w.Items, w.Categories, reach, neighbours, w.Touches.Length);
    }

    /// <summary>The similarity of two items seen together in <paramref name="both"/> visits (<see cref="ItemSimilarity.Cosine"/>).</summary>
    public static float Cosine(int both, int reachA, int reachB) => ItemSimilarity.Cosine(both, reachA, reachB);

    /// <summary>The reach of <paramref name="items"/> and their co-visit counts with every item they share a visit with.</summary>
    public static CoVisitCounts CoVisits(ProductInteractionSet set, int maxItemsPerVisit, IReadOnlyCollection<string> items)
    {
        var w = InternedInteractions.From(set);
        var asked = items.Select(i => w.Items.IndexOf(i)).Where(i => i >= 0).ToHashSet();
        var (reach, pairs) = ItemSimilarity.Count(w.Touches, w.Visits, w.Items.Count, maxItemsPerVisit, asked);
        return new CoVisitCounts(
            asked.Where(i => reach[i] > 0).ToDictionary(i => w.Items[i], i => reach[i], StringComparer.Ordinal),
            pairs.Select(p => (w.Items[(int)(p.Key >> 32)], w.Items[(int)(p.Key & 0xFFFFFFFF)], p.Value)).ToList());
    }

    /// <summary>The purchases (of <paramref name="items"/> when given), by person, item, then time and read order.</summary>
    public static IReadOnlyList<ProductPurchase> Purchases(ProductInteractionSet set, IReadOnlyCollection<string>? items)
    {
        var only = items?.ToHashSet(StringComparer.Ordinal);
        return set.Interactions
            .Where(i => i.Action == Events.BuiltInActions.Purchase && (only is null || only.Contains(i.Item)))
            .Select(i => new ProductPurchase(i.Person, i.Item, i.Time))
            .OrderBy(p => p.Person).ThenBy(p => p.Item, StringComparer.Ordinal).ThenBy(p => p.Time)
            .ToList();
    }

    /// <summary>
    /// Per person, item and action of weight > 0, the newest touch in (<paramref name="now"/> - <paramref name="hours"/>,
    /// <paramref name="now"/>] and at or after <paramref name="from"/>. A trending score takes each person's strongest decayed
    /// touch of an item, and of one action (one weight) the newest is the strongest in any window that holds it, so
    /// every window up to <paramref name="hours"/> scores the same from these as from all touches. Of
    /// <paramref name="items"/> only, when given.
    /// </summary>
    public static IReadOnlyList<RecentTouch> RecentTouches(ProductInteractionSet set, DateTime from, DateTime now, int hours, IReadOnlyCollection<string>? items)
    {
        var start = now.AddHours(-hours);
        var only = items?.ToHashSet(StringComparer.Ordinal);
        var newest = new Dictionary<(long, string, string), DateTime>();
        foreach (var i in set.Interactions)
        {
            if (i.Time <= start || i.Time > now || i.Time < from || RecommendationOptions.Weight(i.Action) <= 0 || only is not null && !only.Contains(i.Item))
                continue;
            var key = (i.Person, i.Item, i.Action);
            if (!newest.TryGetValue(key, out var time) || i.Time > time)
                newest[key] = i.Time;
        }
        return newest.Select(n => new RecentTouch(n.Key.Item1, n.Key.Item2, n.Key.Item3, n.Value)).ToList();
    }
}
