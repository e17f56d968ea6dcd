using Footfall.Events;
using Footfall.Ingest;
using Footfall.Projects;
using Footfall.Server.Http;
using Footfall.Server.Http.Admission;

namespace Footfall.Server.Dialects;

/// <summary>
/// The one handler behind every dialect's ingest routes. The order of the rules is the contract: the body (size,
/// gzip, JSON, UTF-8), the project, the person, the body's shape; then each item is translated, and everything translated,
/// good or not, goes through the ingest pipeline, which keeps refused events aside with their reason. Only a body
/// that is wrong as a whole is answered 4xx without keeping anything.
/// </summary>
public static class DialectHandler
{
    /// <summary>Maps <paramref name="endpoint"/> at <paramref name="pattern"/> for <paramref name="method"/>.</summary>
    public static RouteHandlerBuilder MapDialect(this IEndpointRouteBuilder app, string method, string pattern, DialectEndpoint endpoint) =>
        app.MapMethods(pattern, [method], (HttpContext context, ProjectDirectory projects, IngestPipeline pipeline, TimeProvider clock) =>
                HandleAsync(endpoint, context, projects, pipeline, clock))
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ApiError>(endpoint.BusyStatus)
            // A route without events (attribute writes, merges) waits for the store, not the log: its body counts, its wait does not.
            .AdmitIngest(endpoint.BusyStatus, endpoint.MaxBodyBytes, waitsForLog: endpoint.CarriesEvents);

    private static async Task<IResult> HandleAsync(DialectEndpoint endpoint, HttpContext context, ProjectDirectory projects, IngestPipeline pipeline, TimeProvider clock)
    {
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, endpoint.MaxBodyBytes, textCheckedPerEvent: endpoint.CarriesEvents);
        if (bodyError is not null) return bodyError;
        using (document)
        {
            var body = document!.RootElement;
            var (projectId, where) = endpoint.FindProject(context.Request, body);
            var (project, projectError) = await IngestProject.ResolveAsync(projectId, where, context, projects);
            if (projectError is not null) return projectError;
            if (endpoint.FindPerson(context.Request, out var person) is { } personError)
                return ApiError.BadRequest(personError);
            var dialectContext = new DialectContext(context, project!.Id, person, EventTime.Now(clock), body);
            var (items, shapeError) = endpoint.Items(body, dialectContext);
            if (shapeError is not null) return shapeError;
            var batch = new DialectBatch();
            foreach (var item in items!)
            {
                // The translator never reads text the rule refuses: such an item is kept aside naming the field.
                if (endpoint.CarriesEvents && TextRule.CheckJson(item) is { } textError)
                    batch.Reject(textError, item);
                else if (endpoint.Read(item, dialectContext, batch) is { } readError)
                    return ApiError.BadRequest(readError);
            }
            if (person.Identifiers is { Count: > 0 } named)
                batch.NameOnEach(named);
            return await IngestProject.RunAsync(context, async () =>
                endpoint.Answer(await pipeline.IngestAsync(project.Id, endpoint.Source, batch.ToRequest(), context.RequestAborted), dialectContext, batch),
                endpoint.BusyStatus);
        }
    }
}
