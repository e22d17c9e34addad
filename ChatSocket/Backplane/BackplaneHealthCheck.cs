using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatSocket.Backplane;

/// <summary>Readiness of the backplane: Redis answers a ping within the backplane's timeout. While it does not, sends
/// are refused with <c>unavailable</c>, so a load balancer should send new clients elsewhere.</summary>
internal sealed class BackplaneHealthCheck(RedisBackplane backplane) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await backplane.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Redis answered a ping in {latency.TotalMilliseconds:0.#} ms");
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or InvalidOperationException)
        {
            // Unreachable, timed out, or not connected yet: not ready, with the reason.
            return HealthCheckResult.Unhealthy($"The backplane (Redis) is unreachable: {ex.Message}");
        }
    }
}
