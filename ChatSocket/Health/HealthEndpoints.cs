using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace ChatSocket.Health;

/// <summary>Liveness and readiness with the framework's health checks.</summary>
internal static class HealthEndpoints
{
    internal const string ReadyTag = "ready";

    /// <summary>Registers the checks; readiness checks carry the "ready" tag (persistence adds the database).</summary>
    public static IServiceCollection AddChatHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<NotStoppingHealthCheck>("not_stopping", tags: [ReadyTag]);
        return services;
    }

    /// <summary>
    /// <c>GET /health/live</c>: the process serves requests (runs no check). <c>GET /health/ready</c>: every check
    /// tagged "ready" passes; its body is JSON with each check's status and description.
    /// </summary>
    public static IEndpointRouteBuilder MapChatHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = HealthReportWriter.WriteAsync });
        return endpoints;
    }
}
