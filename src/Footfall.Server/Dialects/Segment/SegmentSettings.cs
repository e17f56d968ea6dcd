using System.Text.Json.Serialization;
using Footfall.Projects;
using Footfall.Server.Http;

namespace Footfall.Server.Dialects.Segment;

/// <summary>
/// <c>GET /segment/v1/projects/{writeKey}/settings</c>: the settings analytics.js loads from its CDN at start, here
/// telling it to send its events back to this server (<c>AnalyticsBrowser.load({writeKey, cdnURL: "http://HOST/segment"})</c>),
/// with no other destination, no remote plugins and no metrics sent to Segment.
/// </summary>
public static class SegmentSettings
{
    /// <summary>Maps the route on the <c>/segment/v1</c> group.</summary>
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/projects/{writeKey}/settings", GetAsync).WithSummary("Settings for analytics.js: send to this server")
            .Produces<Settings>().Produces<ApiError>(StatusCodes.Status404NotFound);

    private static async Task<IResult> GetAsync(string writeKey, HttpContext context, ProjectDirectory projects)
    {
        if (await projects.FindAsync(writeKey, context.RequestAborted) is null)
            return ApiError.NotFound($"unknown write key '{writeKey}'");
        var request = context.Request;
        var segmentIo = new SegmentIo(writeKey, $"{request.Host}{request.PathBase}/segment/v1", request.Scheme);
        var all = new PlanRule(true);
        return TypedResults.Ok(new Settings(
            new Dictionary<string, SegmentIo> { ["Segment.io"] = segmentIo },
            new Plan(new Dictionary<string, PlanRule> { ["__default"] = all }, new Dictionary<string, PlanRule> { ["__default"] = all },
                new Dictionary<string, PlanRule> { ["__default"] = all }),
            new Metrics(0)));
    }

    /// <summary>The settings document.</summary>
    public sealed record Settings(
        [property: JsonPropertyName("integrations")] IReadOnlyDictionary<string, SegmentIo> Integrations,
        [property: JsonPropertyName("plan")] Plan Plan,
        [property: JsonPropertyName("metrics")] Metrics Metrics)
    {
        /// <summary>No edge function.</summary>
        [JsonPropertyName("edgeFunction")] public IReadOnlyDictionary<string, string> EdgeFunction { get; } = new Dictionary<string, string>();

        /// <summary>No remote plugins: nothing is loaded from Segment's CDN.</summary>
        [JsonPropertyName("remotePlugins")] public IReadOnlyList<string> RemotePlugins { get; } = [];

        /// <summary>No middleware.</summary>
        [JsonPropertyName("enabledMiddleware")] public IReadOnlyDictionary<string, bool> EnabledMiddleware { get; } = new Dictionary<string, bool>();

        /// <summary>analytics.js 2.0.</summary>
        [JsonPropertyName("analyticsNextEnabled")] public bool AnalyticsNextEnabled => true;
    }

    /// <summary>The Segment.io destination: where analytics.js sends its messages.</summary>
    public sealed record SegmentIo(
        [property: JsonPropertyName("apiKey")] string ApiKey,
        [property: JsonPropertyName("apiHost")] string ApiHost,
        [property: JsonPropertyName("protocol")] string Protocol)
    {
        /// <summary>No device-mode integrations.</summary>
        [JsonPropertyName("unbundledIntegrations")] public IReadOnlyList<string> UnbundledIntegrations { get; } = [];

        /// <summary>No bundled metadata.</summary>
        [JsonPropertyName("addBundledMetadata")] public bool AddBundledMetadata => false;
    }

    /// <summary>The tracking plan: every message enabled.</summary>
    public sealed record Plan(
        [property: JsonPropertyName("track")] IReadOnlyDictionary<string, PlanRule> Track,
        [property: JsonPropertyName("identify")] IReadOnlyDictionary<string, PlanRule> Identify,
        [property: JsonPropertyName("group")] IReadOnlyDictionary<string, PlanRule> Group);

    /// <summary>One rule of the plan.</summary>
    public sealed record PlanRule([property: JsonPropertyName("enabled")] bool Enabled);

    /// <summary>analytics.js's own metrics, which would go to Segment: off.</summary>
    public sealed record Metrics([property: JsonPropertyName("sampleRate")] double SampleRate);
}
