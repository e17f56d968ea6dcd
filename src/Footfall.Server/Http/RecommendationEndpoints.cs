using System.Text.Json.Serialization;
using Footfall.Events;
using Footfall.Recommendations;
using Footfall.Storage;
using Microsoft.AspNetCore.Mvc;

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
            .WithSummary("Per feed: responses served, clicks, add-to-carts, purchases and revenue attributed by sourceId")
            .Produces<PerformanceReport>().Produces<ApiError>(StatusCodes.Status400BadRequest);
        v1.MapGet("/recommendations/{feed}", FeedAsync).WithTags("Recommendations")
            .WithSummary("recently-viewed, trending, repeat-purchase, also-viewed or personal; every answer has a responseId");
    }

    private static async Task<IResult> FeedAsync(string feed, HttpContext context, RecommendationModels models, ServedResponseLog log,
        RecommendationOptions options, TimeProvider clock)
    {
        var request = context.Request;
        var (limit, limitError) = PersonQuery.Number(request, "limit", 10, 1, MaxLimit);
        if (limitError is not null) return limitError;
        var projectId = context.ProjectId();
        var model = await models.GetAsync(projectId, context.RequestAborted);
        IReadOnlyList<ScoredItem> items;
        var fallback = false;
        switch (feed)
        {
            case FeedNames.RecentlyViewed:
            {
                var (who, error) = PersonQuery.Read(request);
                if (error is not null) return error;
                items = model.RecentlyViewed(who, limit);
                break;
            }
            case FeedNames.Trending:
            {
                var (hours, error) = PersonQuery.Number(request, "hours", 24, 1, options.MaxTrendingHours);
                if (error is not null) return error;
                var category = request.Query["category"].ToString();
                items = model.Trending(hours, category.Length > 0 ? category : null, limit);
                break;
            }
            case FeedNames.RepeatPurchase:
            {
                var (who, error) = PersonQuery.Read(request);
                if (error is not null) return error;
                items = model.RepeatPurchase(who, EventTime.Now(clock), limit);
                break;
            }
            case FeedNames.AlsoViewed:
            {
                var item = request.Query["item"].ToString();
                if (item.Length == 0) return ApiError.BadRequest("item is required");
                items = model.AlsoViewed(item, limit);
                break;
            }
            case FeedNames.Personal:
            {
                var (who, error) = PersonQuery.Read(request);
                if (error is not null) return error;
                var exclude = request.Query["exclude"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .ToHashSet(StringComparer.Ordinal);
                // Enough trending to fill the answer even after the person's purchases and exclusions are skipped.
                var trending = model.Trending(24, null, Math.Min(200, limit + exclude.Count + 50));
                (items, fallback) = model.Personal(who, limit, exclude, trending);
                break;
            }
            default:
                return ApiError.NotFound($"no feed '{feed}'; feeds are {string.Join(", ", FeedNames.All)}");
        }
        var responseId = "r_" + Guid.NewGuid().ToString("N");
        log.Add(projectId, new ServedResponse(responseId, feed, EventTime.Now(clock), items.Select(i => i.Id).ToList()));
        return Results.Ok(new FeedView(responseId, feed, items.Select(i => new ItemView(i.Id, i.Score)).ToList(),
            fallback ? FeedNames.Trending : null));
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
        return TypedResults.Ok(new PerformanceReport(start, end, feeds));
    }

    private sealed record PerformanceQuery(
        [FromQuery(Name = "from")] string? From,
        [FromQuery(Name = "to")] string? To);

    private sealed record PerformanceReport(DateTime From, DateTime To, IReadOnlyList<FeedPerformance> Feeds);

    private sealed record FeedView(string ResponseId, string Feed, IReadOnlyList<ItemView> Items,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Fallback);

    private sealed record ItemView(string Id, double Score);
}
