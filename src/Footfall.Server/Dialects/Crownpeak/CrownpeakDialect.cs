using System.Text.Json;
using Footfall.Events;

namespace Footfall.Server.Dialects.Crownpeak;

/// <summary>
/// Crownpeak / Attraqt XO activities (CONTRACT §6): <c>POST /collect/{projectId}</c>, the project id standing where
/// Attraqt's URL has the tracker key, so the SDK only needs an HTTP client that sends to Footfall.
/// </summary>
public sealed class CrownpeakDialect : DialectEndpoint
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapDialect("POST", "/collect/{projectId}", new CrownpeakDialect()).WithTags("Dialect: Crownpeak / Attraqt XO")
            .WithSummary("Store an array of Attraqt activities").Produces<Ingest.IngestResult>();

    /// <inheritdoc />
    public override string Source => EventSources.Crownpeak;

    /// <inheritdoc />
    public override string Noun => "activities";

    /// <inheritdoc />
    public override (string? Id, string Where) FindProject(HttpRequest request, JsonElement body) =>
        (request.RouteValues["projectId"] as string, "the /collect/{projectId} path");

    /// <inheritdoc />
    public override string? Read(JsonElement item, DialectContext context, DialectBatch batch)
    {
        batch.Add(CrownpeakActivityReader.Read(item, context.ReceivedAt, batch));
        return null;
    }
}
