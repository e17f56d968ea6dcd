namespace Footfall.Server.Dialects;

/// <summary>
/// The vendor dialects: thin translators from each product's wire format into Footfall's event model. A dialect is
/// its own folder and one line here (docs/dialects.md).
/// </summary>
public static class DialectRoutes
{
    /// <summary>Maps every dialect's routes.</summary>
    public static void MapDialects(this IEndpointRouteBuilder app)
    {
        Personalize.PersonalizeDialect.Map(app);
        Crownpeak.CrownpeakDialect.Map(app);
        OneEntry.OneEntryDialect.Map(app);
        Synerise.SyneriseDialect.Map(app);
        Segment.SegmentDialect.Map(app);
    }
}
