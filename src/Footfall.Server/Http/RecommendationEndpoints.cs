using Footfall.Events;
using Footfall.Recommendations;
using Footfall.Storage;
using Microsoft.AspNetCore.Mvc;
using Wire = Footfall.Client;

namespace Footfall.Server.Http;

/// <summary>Recommendation feeds and their attribution (CONTRACT §8). Secret key required.</summary>
public static class RecommendationEndpoints
{
    private const int MaxLimit = 100;

    /// <summary>Maps the routes onto the secured group.</summary>
    public static void MapRecommendations(this RouteGroupBuilder v1)
    {
        // The literal route wins over {feed}, so "performance" is never taken for a feed.
        v1.MapGet("/recommendations/performance", PerformanceAsync).WithTags("Recommendations")
            .WithSummary("Per feed: responses served, clicks, add-to-carts, purchases and revenue attributed by sourceId; 503 while the " +
                "store is unavailable, or on ClickHouse when the range holds more than Footfall:ClickHouseMaxInteractions sourced interactions")
            .Produces<Wire.RecommendationPerformance>().Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
        v1.MapGet("/recommendations/{feed}", FeedAsync).WithTags("Recommendations")
            .WithSummary("recently-viewed, trending, repeat-purchase, also-viewed or personal; every answer has a responseId; " +
                "503 while the store is unavailable")
            .Produces<Wire.Recommendations>().Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> FeedAsync(string feed, [AsParameters] FeedQuery query, HttpContext context, RecommendationModels models,
        ServedResponseLog log, RecommendationOptions options, TimeProvider clock)
    {
        var (limit, limitError) = PersonQuery.Number(query.Limit, "limit", 10, 1, MaxLimit);
        if (limitError is not null) return limitError;
        var projectId = context.ProjectId();
        var model = await models.GetAsync(projectId, context.RequestAborted);
        IReadOnlyList<ScoredItem> items;
        var fallback = false;
        switch (feed)
        {
            case FeedNames.RecentlyViewed:
            {
                var (who, error) = PersonQuery.Read(query.UserId, query.GuestId);
                if (error is not null) return error;
                items = await model.RecentlyViewedAsync(who, limit, context.RequestAborted);
                break;
            }
            case FeedNames.Trending:
            {
                var (hours, error) = PersonQuery.Number(query.Hours, "hours", WindowModel.DefaultTrendingHours, 1, options.MaxTrendingHours);
                if (error is not null) return error;
                items = model.Trending(hours, string.IsNullOrEmpty(query.Category) ? null : query.Category, limit);
                break;
            }
            case FeedNames.RepeatPurchase:
            {
                var (who, error) = PersonQuery.Read(query.UserId, query.GuestId);
                if (error is not null) return error;
                items = await model.RepeatPurchaseAsync(who, EventTime.Now(clock), limit, context.RequestAborted);
                break;
            }
            case FeedNames.AlsoViewed:
            {
                if (string.IsNullOrEmpty(query.Item)) return ApiError.BadRequest("item is required");
                items = model.AlsoViewed(query.Item, limit);
                break;
            }
            case FeedNames.Personal:
            {
                var (who, error) = PersonQuery.Read(query.UserId, query.GuestId);
                if (error is not null) return error;
                var exclude = (query.Exclude ?? []).SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .ToHashSet(StringComparer.Ordinal);
                // Enough trending to fill the answer even after the person's purchases and exclusions are skipped.
                var trending = model.Trending(WindowModel.DefaultTrendingHours, null, Math.Min(200, limit + exclude.Count + 50));
                (items, fallback) = await model.PersonalAsync(who, limit, exclude, trending, context.RequestAborted);
                break;
            }
            default:
                return ApiError.NotFound($"no feed '{feed}'; feeds are {string.Join(", ", FeedNames.All)}");
        }
        var responseId = "r_" + Guid.NewGuid().ToString("N");
        log.Add(projectId, new ServedResponse(responseId, feed, EventTime.Now(clock), items.Select(i => i.Id).ToList()));
        return TypedResults.Ok(new Wire.Recommendations(responseId, items.Select(i => new Wire.RecommendedItem(i.Id, i.Score)).ToList())
        {
            Feed = feed, Fallback = fallback ? FeedNames.Trending : null,
        });
    }

    private static async Task<IResult> PerformanceAsync([AsParameters] PerformanceQuery query, HttpContext context, IServedResponseStore responses,
        IInteractionSource interactions, ServedResponseLog log, TimeProvider clock)
    {
        var (from, fromError) = PersonQuery.Time(query.From, "from");
        if (fromError is not null) return fromError;
        var (to, toError) = PersonQuery.Time(query.To, "to");
        if (toError is not null) return toError;
        var end = to ?? EventTime.Now(clock).AddMilliseconds(1);
        var start = from ?? EventTime.Earlier(end, TimeSpan.FromDays(30));
        if (start >= end) return ApiError.BadRequest("from must be before to");
        // Responses served a moment ago are still queued; the report must count them.
        await log.FlushAsync(context.RequestAborted);
        var feeds = await FeedAttribution.ComputeAsync(responses, interactions, context.ProjectId(), start, end, context.RequestAborted);
        return TypedResults.Ok(new Wire.RecommendationPerformance(feeds.Select(WireRecords.Feed).ToList())
        {
            From = WireRecords.Utc(start), To = WireRecords.Utc(end),
        });
    }

    private sealed record PerformanceQuery(
        [FromQuery(Name = "from")] string? From,
        [FromQuery(Name = "to")] string? To);

    // exclude may repeat and each value may list several ids (exclude=a,b&exclude=c).
    private sealed record FeedQuery(
        [FromQuery(Name = "userId")] string? UserId,
        [FromQuery(Name = "guestId")] string? GuestId,
        [FromQuery(Name = "item")] string? Item,
        [FromQuery(Name = "hours")] string? Hours,
        [FromQuery(Name = "category")] string? Category,
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "exclude")] string[]? Exclude);
}
