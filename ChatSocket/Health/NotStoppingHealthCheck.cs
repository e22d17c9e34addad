using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatSocket.Health;

/// <summary>Not ready once the host is shutting down, so a load balancer stops sending new clients.</summary>
internal sealed class NotStoppingHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("shutting down")
            : HealthCheckResult.Healthy());
}
