using CsCheck;
using Footfall.Analytics;
using Footfall.Analytics.Definitions;
using Footfall.Events;
using Footfall.Identity;

namespace Footfall.Tests.Analytics.Definitions;

/// <summary>
/// The in-memory <see cref="AttributionIndex"/>, fed entry by entry the way the DuckDB store feeds it (links merge
/// persons, events are filed under their person at the time), counts exactly what the definitions count.
/// </summary>
public sealed class AttributionIndexAgreesWithDefinitionsTests
{
    private const int Project = 1;

    [Fact]
    public void Counts_equal_the_definitions_whenever_the_metrics_start_being_tracked() =>
        RandomHistories.Any.Sample(random =>
        {
            var (index, expected) = (Feed(random), ResolvedHistory.Resolve(random.History));
            foreach (var range in random.Ranges)
            {
                Assert.Equal(StoreAgreesWithDefinitions.Show(ExperienceCounting.Count(expected, random.Experience, range)),
                    StoreAgreesWithDefinitions.Show(index.Count(Project, random.Experience, range)));
            }
        }, iter: 500, print: h => h.ToString());

    private static AttributionIndex Feed(RandomHistory random)
    {
        var index = new AttributionIndex();
        var graph = new IdentityGraph();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var stored = new List<(string Action, long Ident, long TimeMs)>();
        if (random.SaveExperienceFirst)
            Track(index, random, stored, graph);
        foreach (var entry in random.Commits.SelectMany(c => c))
        {
            if (entry is LinkEntry link)
            {
                Link(index, graph, link.Link.A, link.Link.B);
                continue;
            }
            var e = ((EventEntry)entry).Event;
            if (e.Key is not null && !keys.Add(e.Key))
                continue;
            var ident = graph.GetOrAdd(Project, e.Actor.Key, out _);
            if (e.UserId is not null && e.GuestId is not null)
                Link(index, graph, Identifier.User(e.UserId), Identifier.Guest(e.GuestId));
            var timeMs = EventTime.ToUnixMs(e.Time);
            if (e.Action == BuiltInActions.Impression)
                index.AddExposure(Project, e.Experience!, e.Variant!, graph.PersonOf(ident), timeMs);
            index.AddAction(Project, e.Action, graph.PersonOf(ident), timeMs, stored.Count);
            stored.Add((e.Action, ident, timeMs));
        }
        if (!random.SaveExperienceFirst)
            Track(index, random, stored, graph);
        return index;
    }

    // As the store does when an experience names a metric not followed yet: follow it and file its stored events.
    private static void Track(AttributionIndex index, RandomHistory random, List<(string Action, long Ident, long TimeMs)> stored, IdentityGraph graph)
    {
        foreach (var metric in random.Experience.Metrics)
        {
            index.Track(Project, metric);
            for (var seq = 0; seq < stored.Count; seq++)
            {
                if (stored[seq].Action == metric)
                    index.AddAction(Project, metric, graph.PersonOf(stored[seq].Ident), stored[seq].TimeMs, seq);
            }
        }
    }

    private static void Link(AttributionIndex index, IdentityGraph graph, Identifier a, Identifier b)
    {
        if (graph.Link(graph.GetOrAdd(Project, a.Key, out _), graph.GetOrAdd(Project, b.Key, out _)) is { } merged)
            index.Merge(Project, merged.Absorbed, merged.Kept);
    }
}
