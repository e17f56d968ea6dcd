using Footfall.Ingest;
using Footfall.Projects;
using Footfall.Recommendations;
using Footfall.Server.Dialects;
using Footfall.Server.Http;
using Footfall.Server.Http.Admission;
using Footfall.Storage;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;
using Serilog;

namespace Footfall.Server.Hosting;

/// <summary>Builds the <c>footfall serve</c> web application: services, routes, and start-up work.</summary>
public static class FootfallApp
{
    /// <summary>Command-line switches and the configuration keys they set.</summary>
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--data"] = "Footfall:Data",
        ["--store"] = "Footfall:Store",
        ["--clickhouse"] = "Footfall:ClickHouse",
        ["--clickhouse-cluster"] = "Footfall:ClickHouseCluster",
        ["--demo"] = "Footfall:Demo",
        ["--duckdb-memory"] = "Footfall:DuckDbMemory",
        ["--identity-cache"] = "Footfall:IdentityCache",
        ["--log-max-bytes"] = "Log:MaxBytes",
        ["--store-timeout"] = "Store:Timeout",
    };

    /// <summary>Creates the application from command-line arguments.</summary>
    public static WebApplication Build(string[] args)
    {
        // The web root ships next to the assembly (see the csproj), wherever the process is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "webroot"),
        });
        builder.Configuration.AddCommandLine(ExpandFlags(args), Switches);
        builder.Host.UseSerilog((context, logging) => logging
            .ReadFrom.Configuration(context.Configuration)
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}"));
        ConfigureServices(builder);
        var app = builder.Build();
        MapRoutes(app);
        return app;
    }

    // The command-line provider wants a value after every switch; --demo is a bare flag. --store-timeout takes
    // seconds, which the binder would read as days.
    private static string[] ExpandFlags(string[] args)
    {
        var expanded = new List<string>(args.Length + 1);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--demo")
                expanded.AddRange(["--demo", "true"]);
            else if (args[i] == "--store-timeout" && i + 1 < args.Length)
                expanded.AddRange(["--store-timeout", Seconds(args[++i])]);
            else
                expanded.Add(args[i]);
        }
        return expanded.ToArray();
    }

    private static string Seconds(string value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s is > 0 and < 1e6
            ? TimeSpan.FromSeconds(s).ToString("c", System.Globalization.CultureInfo.InvariantCulture)
            : throw new ArgumentException($"--store-timeout takes seconds, e.g. 5 or 0.5, not '{value}'");

    private static void ConfigureServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<FootfallOptions>()
            .Bind(builder.Configuration.GetSection(FootfallOptions.Section))
            .PostConfigure(o => o.AdminToken ??= Environment.GetEnvironmentVariable("FOOTFALL_ADMIN_TOKEN") is { Length: > 0 } t ? t : null)
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();
        services.AddOptions<IngestOptions>().Bind(builder.Configuration.GetSection("Ingest"))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.AddOptions<StoreOptions>().Bind(builder.Configuration.GetSection(StoreOptions.Section))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StoreHealth>();
        services.AddSingleton<FatalStop>();
        services.AddStoreRoles(sp => StoreFactory.Create(sp.GetRequiredService<IOptions<FootfallOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        services.AddOptions<LogIngestOptions>().Bind(builder.Configuration.GetSection(LogIngestOptions.Section))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.AddSingleton(IngestWriterFactory.Create);
        services.AddOptions<AdmissionOptions>().Bind(builder.Configuration.GetSection(AdmissionOptions.Section))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.AddSingleton<IngestAdmission>();
        services.AddSingleton<ActionPolicies>();
        services.AddSingleton<IngestPipeline>();
        services.AddSingleton<ProjectDirectory>();
        services.AddSingleton<SecretKeyFilter>();
        services.AddSingleton<ReadYourWritesFilter>();
        services.AddSingleton<StartupWork>();
        services.AddHostedService(sp => sp.GetRequiredService<StartupWork>());
        services.AddHostedService<StoreProbe>();
        AddRecommendations(builder);
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info.Title = "Footfall API";
                doc.Info.Description = "Self-hosted event analytics: ingest, people, A/B results, recommendations. See CONTRACT.md.";
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer(UtcTimeConverter.DescribeAsync);
        });
        // Each scrape reads the instruments now: the exporter's default answers from a copy up to 300 ms old, so a scrape
        // right after another missed what happened between them.
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(IngestMetrics.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        services.AddCors(o => o.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()
            .WithExposedHeaders(Dialects.Personalize.PersonalizeDialect.UserUidHeader)));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
            o.SerializerOptions.Converters.Add(new UtcTimeConverter());
        });
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
    }

    private static void AddRecommendations(WebApplicationBuilder builder)
    {
        // Read when first needed, not now: test hosts add their settings after this runs.
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IConfiguration>().GetSection(RecommendationOptions.Section).Get<RecommendationOptions>()
                ?? new RecommendationOptions();
            options.Validate();
            return options;
        });
        builder.Services.AddSingleton<RecommendationModels>();
        builder.Services.AddSingleton<ServedResponseLog>();
        builder.Services.AddHostedService<RecommendationRefresher>();
    }

    private static void MapRoutes(WebApplication app)
    {
        app.UseErrorAnswers();
        app.UseIngestAdmission();
        app.UseSecurityHeaders();
        app.UseCors();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapHealth();
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", o => o.WithNonce().DisableDefaultFonts());
        app.MapPrometheusScrapingEndpoint("/metrics");
        var v1 = app.MapGroup("/v1").AddEndpointFilter<SecretKeyFilter>().AddEndpointFilter<ReadYourWritesFilter>()
            .WithMetadata(new Microsoft.AspNetCore.Http.ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ApiError), ["application/json"]));
        app.MapIngest();
        app.MapProjects(v1);
        v1.MapPeople();
        v1.MapExperiences();
        v1.MapRecommendations();
        app.MapDialects();
    }
}
