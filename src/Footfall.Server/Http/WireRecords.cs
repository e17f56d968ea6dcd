using Footfall.Events;
using Footfall.Identity;
using Footfall.Storage;
using Wire = Footfall.Client;

namespace Footfall.Server.Http;

/// <summary>
/// The engine's values as the wire records the server answers with, which are Footfall.Client's own
/// (<c>src/Footfall.Client/Reading</c>): the client reads exactly the type the server wrote.
/// </summary>
public static class WireRecords
{
    /// <summary>An event as the read API shows it (CONTRACT §4), plus the entry point and ids it came with.</summary>
    public static Wire.ActivityEvent Event(TrackedEvent e) => new(Utc(e.Time), e.Action, e.Label, e.Target,
        e.ParamsJson is null ? null : StoredJson.Parse(e.ParamsJson), e.SourceId, e.Key)
    {
        Source = e.Source, UserId = e.UserId, GuestId = e.GuestId, SessionId = e.SessionId, Experience = e.Experience, Variant = e.Variant,
    };

    /// <summary>One of a person's identifiers.</summary>
    public static Wire.PersonIdentifier Identifier(Identifier identifier) => new(identifier.KindName, identifier.Value);

    /// <summary>An experience's results (CONTRACT §5).</summary>
    public static Wire.ExperienceResults Results(Experiences.ExperienceResults results) => new(results.Experience, results.AttributionDays,
        results.Variants.Select(v => new Wire.VariantResults(v.Variant, v.Impressions, v.Metrics.ToDictionary(m => m.Key, m =>
            new Wire.MetricResults(m.Value.Conversions, m.Value.ConvertedUsers, m.Value.ConversionRate, m.Value.ProbabilityToBeBest)
            {
                CredibleInterval = m.Value.CredibleInterval,
            }, StringComparer.Ordinal))).ToList(),
        new Wire.SampleRatioMismatch(results.SampleRatioMismatch.PValue, results.SampleRatioMismatch.Detected), results.Winner);

    /// <summary>A feed's attributed outcomes (CONTRACT §8).</summary>
    public static Wire.FeedPerformance Feed(Recommendations.FeedPerformance feed) =>
        new(feed.Feed, feed.Responses, feed.Clicks, feed.AddToCarts, feed.Purchases, feed.Revenue) { ClickThroughRate = feed.ClickThroughRate };

    /// <summary>A stored UTC time as the offset the wire records carry.</summary>
    public static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
