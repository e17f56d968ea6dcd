using System.Text.Json;
using Footfall.Events;
using Footfall.Experiences;
using Footfall.Storage;
using Microsoft.AspNetCore.Mvc;
using Wire = Footfall.Client;

namespace Footfall.Server.Http;

/// <summary>Experiences and their results (CONTRACT §5). Secret key required.</summary>
public static class ExperienceEndpoints
{
    /// <summary>Maps the routes onto the secured group.</summary>
    public static void MapExperiences(this RouteGroupBuilder v1)
    {
        v1.MapPut("/experiences/{shortUid}", SaveAsync).WithTags("Experiences").WithSummary("Define or change an A/B experience")
            .Produces<ExperienceDefinition>().Produces<ApiError>(StatusCodes.Status400BadRequest);
        v1.MapGet("/experiences", ListAsync).WithTags("Experiences").WithSummary("The project's experiences with a summary of each")
            .Produces<ExperienceList>();
        v1.MapGet("/experiences/{shortUid}", GetAsync).WithTags("Experiences").WithSummary("One experience's definition")
            .Produces<ExperienceDefinition>().Produces<ApiError>(StatusCodes.Status404NotFound);
        v1.MapGet("/experiences/{shortUid}/results", ResultsAsync).WithTags("Experiences")
            .WithSummary("Impressions, attributed conversions, probability to be best, SRM and winner")
            .Produces<Wire.ExperienceResults>().Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status404NotFound);
        v1.MapGet("/experiences/{shortUid}/timeline", TimelineAsync).WithTags("Experiences")
            .WithSummary("Cumulative conversion rate per variant by day")
            .Produces<ExperienceTimeline>().Produces<ApiError>(StatusCodes.Status400BadRequest).Produces<ApiError>(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> SaveAsync(string shortUid, HttpContext context, IProjectCatalog store, TimeProvider clock)
    {
        if (shortUid.Length is 0 or > 64)
            return ApiError.BadRequest("shortUid must be 1-64 characters");
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, 64 * 1024);
        if (bodyError is not null) return bodyError;
        using (document)
        {
            ExperienceBody? body;
            try
            {
                body = document!.RootElement.Deserialize<ExperienceBody>(StoreJson.Options);
            }
            catch (JsonException ex)
            {
                return ApiError.BadRequest($"body does not describe an experience: {ex.Message}");
            }
            if (body is null)
                return ApiError.BadRequest("body must be a JSON object");
            if (Check(body) is { } problem)
                return ApiError.BadRequest(problem);
            var existing = (await store.ListExperiencesAsync(context.ProjectId(), context.RequestAborted)).FirstOrDefault(e => e.ShortUid == shortUid);
            var experience = new ExperienceDefinition
            {
                ShortUid = shortUid,
                Name = body.Name ?? existing?.Name ?? shortUid,
                Variants = body.Variants!.Select(v => new VariantDefinition(v.ShortUid!, v.Weight ?? 1, v.Name)).ToList(),
                Metrics = body.Metrics ?? [],
                AttributionDays = body.AttributionDays ?? 30,
                Status = body.Status ?? ExperienceStatus.Active,
                Tags = body.Tags ?? [],
                CreatedAt = existing?.CreatedAt ?? EventTime.Now(clock),
            };
            await store.SaveExperienceAsync(context.ProjectId(), experience, context.RequestAborted);
            return TypedResults.Ok(experience);
        }
    }

    private static string? Check(ExperienceBody body)
    {
        if (body.Variants is not { Count: > 0 })
            return "variants must list at least one variant";
        if (body.Variants.Any(v => string.IsNullOrEmpty(v.ShortUid)))
            return "every variant needs a shortUid";
        if (body.Variants.Select(v => v.ShortUid).Distinct().Count() != body.Variants.Count)
            return "variant shortUids must be distinct";
        if (body.Variants.Any(v => v.Weight is < 0 or > 1_000_000 || v.Weight is double w && double.IsNaN(w)))
            return "variant weights must be between 0 and 1000000";
        if (body.Metrics?.FirstOrDefault(m => !EventValidator.IsValidAction(m)) is { } bad)
            return $"metric '{bad}' is not a valid action name";
        if (body.AttributionDays is < 1 or > 365)
            return "attributionDays must be from 1 to 365";
        if (body.Status is { } status && !ExperienceStatus.IsKnown(status))
            return "status must be active, paused or ended";
        return null;
    }

    private sealed record ExperienceBody(string? Name, List<VariantBody>? Variants, List<string>? Metrics, int? AttributionDays,
        string? Status, List<string>? Tags);

    private sealed record VariantBody(string? ShortUid, double? Weight, string? Name);

    private static async Task<IResult> ListAsync(HttpContext context, IProjectCatalog store, IExperienceQueries queries)
    {
        var list = new List<ExperienceSummary>();
        foreach (var experience in await store.ListExperiencesAsync(context.ProjectId(), context.RequestAborted))
        {
            var counts = await queries.CountExperienceAsync(context.ProjectId(), experience, TimeRange.All, context.RequestAborted);
            var results = ExperienceResults.Compute(experience, counts);
            var leader = experience.Metrics.Count == 0 ? null : results.Variants
                .Where(v => v.Impressions > 0)
                .MaxBy(v => v.Metrics[experience.Metrics[0]].ProbabilityToBeBest)?.Variant;
            list.Add(new ExperienceSummary(experience.ShortUid, experience.Name, experience.Status, experience.Variants, experience.Metrics,
                experience.AttributionDays, experience.Tags, experience.CreatedAt, results.Variants.Sum(v => v.Impressions), leader,
                results.Winner, counts.Min(c => c.FirstImpression)));
        }
        return TypedResults.Ok(new ExperienceList(list));
    }

    private static async Task<IResult> GetAsync(string shortUid, HttpContext context, IProjectCatalog store) =>
        await FindAsync(shortUid, context, store) is { } experience ? TypedResults.Ok(experience) : UnknownExperience(shortUid);

    private static async Task<IResult> ResultsAsync(string shortUid, [AsParameters] RangeQuery query, HttpContext context, IProjectCatalog store,
        IExperienceQueries queries)
    {
        var (range, error) = ReadRange(query.From, query.To);
        if (error is not null) return error;
        if (await FindAsync(shortUid, context, store) is not { } experience) return UnknownExperience(shortUid);
        var counts = await queries.CountExperienceAsync(context.ProjectId(), experience, range, context.RequestAborted);
        return TypedResults.Ok(WireRecords.Results(ExperienceResults.Compute(experience, counts)));
    }

    private static async Task<IResult> TimelineAsync(string shortUid, [AsParameters] TimelineQuery query, HttpContext context, IProjectCatalog store,
        IExperienceQueries queries)
    {
        var (range, error) = ReadRange(query.From, query.To);
        if (error is not null) return error;
        if (await FindAsync(shortUid, context, store) is not { } experience) return UnknownExperience(shortUid);
        var metric = query.Metric ?? "";
        if (metric.Length == 0) metric = experience.Metrics.Count > 0 ? experience.Metrics[0] : "";
        if (!EventValidator.IsValidAction(metric))
            return ApiError.BadRequest("metric is required (the experience has no metrics)");
        var daily = await queries.ExperienceTimelineAsync(context.ProjectId(), experience, metric, range, context.RequestAborted);
        return TypedResults.Ok(ExperienceTimeline.Compute(metric, experience.Variants.Select(v => v.ShortUid), daily));
    }

    private static (TimeRange Range, IResult? Error) ReadRange(string? fromText, string? toText)
    {
        var (from, fromError) = PersonQuery.Time(fromText, "from");
        var (to, toError) = PersonQuery.Time(toText, "to");
        if ((fromError ?? toError) is { } error) return (default, error);
        if (from is not null && to is not null && from > to) return (default, ApiError.BadRequest("from must not be after to"));
        return (new TimeRange(from, to), null);
    }

    private static async Task<ExperienceDefinition?> FindAsync(string shortUid, HttpContext context, IProjectCatalog store) =>
        (await store.ListExperiencesAsync(context.ProjectId(), context.RequestAborted)).FirstOrDefault(e => e.ShortUid == shortUid);

    private static IResult UnknownExperience(string shortUid) => ApiError.NotFound($"no experience '{shortUid}'");

    private sealed record RangeQuery(
        [FromQuery(Name = "from")] string? From,
        [FromQuery(Name = "to")] string? To);

    private sealed record TimelineQuery(
        [FromQuery(Name = "from")] string? From,
        [FromQuery(Name = "to")] string? To,
        [FromQuery(Name = "metric")] string? Metric);

    /// <summary>The answer of <c>GET /v1/experiences</c>.</summary>
    private sealed record ExperienceList(IReadOnlyList<ExperienceSummary> Experiences);

    /// <summary>An experience's definition with its all-time impressions, leading variant and winner.</summary>
    private sealed record ExperienceSummary(string ShortUid, string Name, string Status, IReadOnlyList<VariantDefinition> Variants,
        IReadOnlyList<string> Metrics, int AttributionDays, IReadOnlyList<string> Tags, DateTime CreatedAt, long Impressions, string? Leader,
        string? Winner, DateTime? FirstImpressionAt);
}
