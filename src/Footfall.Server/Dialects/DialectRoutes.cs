namespace Footfall.Server.Dialects;

/// <summary>The vendor dialects: thin translators from each product's wire format into Footfall's event model.</summary>
public static class DialectRoutes
{
    /// <summary>Maps every dialect's routes.</summary>
    public static void MapDialects(this IEndpointRouteBuilder app)
    {
    }
}

/// <summary>Contentstack Personalize's Edge API.</summary>
public static class PersonalizeEndpoints
{
    /// <summary>The header carrying the Personalize user uid, both ways.</summary>
    public const string UserUidHeader = "X-CS-Personalize-User-Uid";
}
