using Footfall.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// The conventional namespace for AddXxx extensions, so `services.AddFootfall` needs no extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Footfall's clients with dependency injection.</summary>
public static class FootfallServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FootfallClient"/> (a singleton: one queue per process) and <see cref="FootfallReadClient"/>
    /// (a typed HTTP client; resolving it needs <see cref="FootfallClientOptions.SecretKey"/>), both sending through the
    /// <see cref="HttpClient"/> named <see cref="FootfallClient.HttpClientName"/>. Options are validated when first
    /// resolved, naming every problem.
    /// </summary>
    /// <example><code>services.AddFootfall(o => { o.Host = "http://footfall:8080"; o.ProjectId = "p_..."; o.SecretKey = secret; });</code></example>
    /// <returns>The builder of the named HTTP client, to add handlers or resilience to it.</returns>
    public static IHttpClientBuilder AddFootfall(this IServiceCollection services, Action<FootfallClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<FootfallClientOptions>().Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FootfallClientOptions>, OptionsValidator>());
        services.TryAddSingleton(sp => new FootfallClient(
            sp.GetRequiredService<IOptions<FootfallClientOptions>>().Value,
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetService<ILogger<FootfallClient>>()));
        var builder = services.AddHttpClient(FootfallClient.HttpClientName);
        builder.AddTypedClient((http, sp) => new FootfallReadClient(http, sp.GetRequiredService<IOptions<FootfallClientOptions>>().Value));
        return builder;
    }

    private sealed class OptionsValidator : IValidateOptions<FootfallClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, FootfallClientOptions options) =>
            options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
