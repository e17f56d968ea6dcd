using Footfall.Projects;

namespace Footfall.Server.Http;

/// <summary>
/// Guards reads, configuration and erasure: the request must carry a project's secret key as a bearer token.
/// The project it opens is what every handler behind this filter works on, so nothing crosses projects.
/// </summary>
public sealed class SecretKeyFilter(ProjectDirectory projects) : IEndpointFilter
{
    private const string ItemKey = "footfall.project";

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
            return ApiError.Unauthorized();
        var project = await projects.AuthenticateAsync(header[7..].Trim(), http.RequestAborted);
        if (project is null)
            return ApiError.Unauthorized();
        http.Items[ItemKey] = project;
        return await next(context);
    }

    /// <summary>The project the request's secret key opened.</summary>
    public static Project ProjectOf(HttpContext context) => (Project)context.Items[ItemKey]!;
}

/// <summary>Binds the authenticated project into handlers.</summary>
public static class ProjectBinding
{
    /// <summary>The authenticated project's id.</summary>
    public static string ProjectId(this HttpContext context) => SecretKeyFilter.ProjectOf(context).Id;
}
