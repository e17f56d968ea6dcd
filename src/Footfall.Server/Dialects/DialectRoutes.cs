namespace Footfall.Server.Dialects;

/// <summary>The vendor dialects: thin translators from each product's wire format into Footfall's event model.</summary>
public static class DialectRoutes
{
    /// <summary>Maps every dialect's routes.</summary>
    public static void MapDialects(this IEndpointRouteBuilder app)
    {
        app.MapPersonalize();
        app.MapCrownpeak();
        app.MapOneEntry();
        app.MapSynerise();
    }
}
