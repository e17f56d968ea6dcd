using Footfall.Ingest;

namespace Footfall.Server.Http.Admission;

/// <summary>
/// Puts every route marked <see cref="AdmittedIngest"/> (native ingest, every dialect) through
/// <see cref="IngestAdmission"/> before anything reads its body; the ticket travels in the request's features to
/// <see cref="JsonBody"/>, which counts a body of unknown length as it reads it.
/// </summary>
public static class AdmissionMiddleware
{
    /// <summary>Marks a route as ingest: admitted before its body is read.</summary>
    public static TBuilder AdmitIngest<TBuilder>(this TBuilder route, int busyStatus, int maxBodyBytes, bool waitsForLog = true)
        where TBuilder : IEndpointConventionBuilder =>
        route.WithMetadata(new AdmittedIngest(busyStatus, maxBodyBytes, waitsForLog));

    /// <summary>Installs the gate; after routing (the route's metadata decides), before any endpoint runs.</summary>
    public static void UseIngestAdmission(this WebApplication app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AdmittedIngest>() is not { } route)
        {
            await next(context);
            return;
        }
        var admission = context.RequestServices.GetRequiredService<IngestAdmission>();
        using var ticket = admission.TryAdmit(route, Declared(context.Request, route), out var refusal);
        if (ticket is null)
        {
            await Refuse(context, route, refusal!).ExecuteAsync(context);
            return;
        }
        context.Features.Set(ticket);
        if (route.WaitsForLog)
            DurableSignal.Listen(ticket.Durable);
        await next(context);
    });

    /// <summary>
    /// The answer to a refused request: the route's busy status with Retry-After, not logged one by one. The body the
    /// client may still be sending is drained by Kestrel (read and dropped, never buffered, for at most 5 s): closing
    /// the connection instead would reset it, and the client could lose the answer that tells it to retry.
    /// </summary>
    public static IResult Refuse(HttpContext context, AdmittedIngest route, string refusal)
    {
        context.Features.Set(new QuietRefusal());
        return ApiError.Unavailable(context, refusal, route.BusyStatus);
    }

    // What Content-Length lets admission count before reading (a gzip body's inflated bytes count as they are read);
    // a body over the route's limit is the route's 413, answered without reading it, so it holds nothing.
    private static long Declared(HttpRequest request, AdmittedIngest route) =>
        request.ContentLength is { } length && length <= route.MaxBodyBytes ? length : 0;
}

/// <summary>Marks an answer that <see cref="ErrorAnswers"/> does not log: admission logs its refusals in summary.</summary>
public sealed class QuietRefusal;
