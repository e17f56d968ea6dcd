using Footfall.Server.Hosting;
using Footfall.Storage;

namespace Footfall.Server.Http;

/// <summary>
/// <c>/healthz</c>: does the server accept events now (started, and the store answering)? Saturation does not
/// change it: a full queue answers 503 per request, the server still accepts events. <c>/livez</c>: is the process
/// alive? A supervisor restarts on <c>/livez</c> only, so a store outage never turns into restarts of every node.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>The body of a 200 from <c>/healthz</c>.</summary>
    public sealed record Healthy(string Status, string Store);

    /// <summary>Maps the routes.</summary>
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Health).WithTags("Operations")
            .WithSummary("200 while the server accepts events; 503 while starting or while the store is unavailable")
            .Produces<Healthy>().Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/livez", () => TypedResults.Ok(new Healthy("ok", "not checked"))).WithTags("Operations")
            .WithSummary("200 while the process runs, whatever the store does").Produces<Healthy>();
    }

    private static IResult Health(HttpContext context, StartupWork startup, StoreHealth store)
    {
        if (!startup.Ready)
            return ApiError.Unavailable(context, "starting");
        if (!store.IsUp)
            return ApiError.Unavailable(context, $"the store is unavailable ({store.InStateFor.TotalSeconds:0} s): {store.Problem}");
        return TypedResults.Ok(new Healthy("ok", "up"));
    }
}
