using Footfall.Ingest;
using Footfall.Server.Hosting;
using Footfall.Storage;

namespace Footfall.Server.Http;

/// <summary>
/// <c>/healthz</c>: does the server accept events now? With log-first ingest that is: started, and the node's log
/// has room; a store that is away only makes the answer say so (events are acknowledged into the log and applied
/// when the store returns), so a load balancer keeps sending events to the node through a store outage. Without a
/// log, the store must answer. Saturation does not change it: a full queue answers 503 per request.
/// <c>/livez</c>: is the process alive? A supervisor restarts on <c>/livez</c> only, so a store outage never turns
/// into restarts of every node.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>The body of a 200 from <c>/healthz</c>.</summary>
    public sealed record Healthy(string Status, string Store);

    /// <summary>Maps the routes.</summary>
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Health).WithTags("Operations")
            .WithSummary("200 while the server accepts events (into its log while the store is away); 503 while starting or with the log at its disk budget")
            .Produces<Healthy>().Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/livez", () => TypedResults.Ok(new Healthy("ok", "not checked"))).WithTags("Operations")
            .WithSummary("200 while the process runs, whatever the store does").Produces<Healthy>();
    }

    private static IResult Health(HttpContext context, StartupWork startup, StoreHealth store, IIngestWriter writer)
    {
        if (!startup.Ready)
            return ApiError.Unavailable(context, "starting");
        var unavailable = $"the store is unavailable ({store.InStateFor.TotalSeconds:0} s): {store.Problem}";
        if (writer is not LogIngest ingest)
            return store.IsUp ? TypedResults.Ok(new Healthy("ok", "up")) : ApiError.Unavailable(context, unavailable);
        // Close to the budget the next batches may not fit: report full a little early.
        var margin = Math.Min(ingest.Options.SegmentBytes, ingest.Options.MaxBytes / 10);
        if (ingest.LogBytes >= ingest.Options.MaxBytes - margin)
            return ApiError.Unavailable(context, $"the ingest log is at its disk budget ({ingest.LogBytes} bytes); {(store.IsUp ? "the store is catching up" : unavailable)}");
        if (store.IsUp)
            return TypedResults.Ok(new Healthy("ok", ingest.Applier.Problem is { } problem
                ? $"up, but it refuses the log's entries ({problem}); events are acknowledged into the log ({ingest.LogBytes} bytes) and applied once it takes them"
                : "up"));
        return TypedResults.Ok(new Healthy("ok", FormattableString.Invariant(
            $"{unavailable}; events are acknowledged into the log ({ingest.LogBytes} bytes) and applied when it returns")));
    }
}
