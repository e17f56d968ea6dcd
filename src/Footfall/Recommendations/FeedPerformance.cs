using Footfall.Analytics.Definitions;
using Footfall.Events;
using Footfall.Storage;

namespace Footfall.Recommendations;

/// <summary>How one feed did in a time range (<c>GET /v1/recommendations/performance</c>).</summary>
/// <param name="Feed">The feed.</param>
/// <param name="Responses">Responses served in the range.</param>
/// <param name="Clicks">
/// Product views and clicks (Attraqt XO's <c>click</c>) in the range carrying a response's id as sourceId, of an item that
/// response recommended.
/// </param>
/// <param name="AddToCarts">Add-to-cart events in the range carrying one of the feed's response ids.</param>
/// <param name="Purchases">Purchase events in the range carrying one of the feed's response ids.</param>
/// <param name="Revenue">Σ price x quantity of those purchases.</param>
/// <param name="ClickThroughRate">Clicks / responses (0 without responses).</param>
public sealed record FeedPerformance(string Feed, long Responses, long Clicks, long AddToCarts, long Purchases, double Revenue, double ClickThroughRate);

/// <summary>Attributes sourced events to the feeds whose responses they carry.</summary>
public static class FeedAttribution
{
    /// <summary>
    /// Per feed (every feed, in <see cref="FeedNames.All"/> order), what its responses led to in [from, to), as
    /// <see cref="FeedCrediting.Compute"/> defines it.
    /// </summary>
    public static async Task<IReadOnlyList<FeedPerformance>> ComputeAsync(IServedResponseStore responses, IInteractionSource interactions, string projectId, DateTime from, DateTime to,
        CancellationToken cancellationToken = default)
    {
        // Responses served after the range still credit events in it (FeedCrediting.Credits): read them all from the window's start.
        var served = await responses.ReadResponsesAsync(projectId, new TimeRange(EventTime.Earlier(from, FeedCrediting.Window), null), cancellationToken);
        var byId = served.ToDictionary(r => r.ResponseId, StringComparer.Ordinal);
        var sourced = await interactions.ReadProductInteractionsAsync(projectId, new TimeRange(from, to), sourcedOnly: true, cancellationToken);
        var counts = FeedNames.All.ToDictionary(f => f, _ => new long[4], StringComparer.Ordinal);
        var revenue = FeedNames.All.ToDictionary(f => f, _ => 0.0, StringComparer.Ordinal);
        foreach (var r in served)
            if (r.Time >= from && r.Time < to && counts.TryGetValue(r.Feed, out var c))
                c[0]++;
        foreach (var e in sourced.Interactions)
        {
            if (e.SourceId is null || !byId.TryGetValue(e.SourceId, out var response) || !counts.TryGetValue(response.Feed, out var c)
                || !FeedCrediting.Credits(response.Time, e.Time))
                continue;
            switch (e.Action)
            {
                case BuiltInActions.ProductView or BuiltInActions.Click when response.Items.Contains(e.Item, StringComparer.Ordinal):
                    c[1]++;
                    break;
                case BuiltInActions.AddToCart:
                    c[2]++;
                    break;
                case BuiltInActions.Purchase:
                    c[3]++;
                    revenue[response.Feed] += e.Value ?? 0;
                    break;
            }
        }
        return FeedNames.All.Select(f => new FeedPerformance(f, counts[f][0], counts[f][1], counts[f][2], counts[f][3],
            Math.Round(revenue[f], 2), counts[f][0] == 0 ? 0 : Math.Round((double)counts[f][1] / counts[f][0], 4))).ToList();
    }
}
