using ChatSocket.Backplane;
using ChatSocket.Health;
using ChatSocket.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ChatSocket.Operations;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format, through OpenTelemetry: the server's meters, ASP.NET Core's,
/// Kestrel's and the runtime's. Optionally on a port of its own (<see cref="MetricsOptions.Port"/>).
/// </summary>
internal static class MetricsEndpoint
{
    // Built-in meters of .NET 9+: no instrumentation package needed. The runtime's only with Metrics:Runtime.
    private static readonly string[] FrameworkMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];
    private const string RuntimeMeter = "System.Runtime";
    private const int MaxTagSetsPerInstrument = 200;

    /// <summary>Registers the exporter and the readiness gauge; with <c>Metrics:Port</c>, adds a listener on that port.</summary>
    public static WebApplicationBuilder AddChatMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetricsOptions>, MetricsOptionsAnnotationValidator>());
        var options = builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
        if (!options.Enabled)
        {
            return builder;
        }

        if (options.Port is { } port)
        {
            // Added to Urls rather than through Kestrel's Listen, which would replace the listeners of Urls.
            // "http://localhost:5000" is Kestrel's own default when Urls is unset.
            var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5000";
            builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), $"http://*:{port}"]);
        }

        builder.Services.AddSingleton<ReadinessMetrics>();
        builder.Services.AddSingleton<IHealthCheckPublisher>(provider => provider.GetRequiredService<ReadinessMetrics>());
        builder.Services.Configure<HealthCheckPublisherOptions>(publisher =>
        {
            publisher.Predicate = check => check.Tags.Contains(HealthEndpoints.ReadyTag);
            // The default waits 5 s for the first run and 30 s between runs: too slow for an alert on readiness.
            publisher.Delay = TimeSpan.FromSeconds(1);
            publisher.Period = TimeSpan.FromSeconds(10);
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("chatsocket"))
            .WithMetrics(metrics => metrics
                .AddMeter(ChatMetrics.MeterName, PersistenceMetrics.MeterName, ReadinessMetrics.MeterName, BackplaneMetrics.MeterName)
                .AddMeter(options.Runtime ? [.. FrameworkMeters, RuntimeMeter] : FrameworkMeters)
                // Every stream preallocates its limit's points: at the library's 2,000 that was 4.2 MB of a 45 MB heap
                // under load (issue 11). No instrument here has more than a few dozen tag sets.
                .AddView(static _ => new MetricStreamConfiguration { CardinalityLimit = MaxTagSetsPerInstrument })
                .AddPrometheusExporter(exporter =>
                {
                    // A scrape shows the values of now: Prometheus scrapes every few seconds, a cache only hides movement.
                    exporter.ScrapeResponseCacheDurationMilliseconds = 0;
                }));
        return builder;
    }

    /// <summary>
    /// Maps <c>/metrics</c>. With <c>Metrics:Port</c>, only that port serves it and it serves nothing else. Call before
    /// the other middleware, so the gate also covers static files.
    /// </summary>
    public static WebApplication MapChatMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        // The chat's instruments exist once their owner does, which is at the first connection otherwise: a scrape
        // before it would lack the gauges an alert reads.
        app.Services.GetRequiredService<ChatMetrics>();

        if (options.Port is { } port)
        {
            // The socket's local port, not RequireHost: the Host header is whatever the client writes, so a public
            // client could name the metrics port in it and be served.
            app.Use((context, next) =>
                (context.Connection.LocalPort == port) == context.Request.Path.Equals(MetricsOptions.Path, StringComparison.OrdinalIgnoreCase)
                    ? next(context)
                    : NotFound(context));
        }

        app.MapPrometheusScrapingEndpoint(MetricsOptions.Path);
        return app;
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
