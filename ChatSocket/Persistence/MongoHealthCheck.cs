using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatSocket.Persistence;

/// <summary>Readiness of the storage: the writer is not failing, spilled messages are restored, the database answers.</summary>
internal sealed class MongoHealthCheck(MessageStore store, PersistenceHealth health) : IHealthCheck
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!health.IsRestored)
        {
            return HealthCheckResult.Unhealthy(health.LastError is { } starting
                ? $"Cannot prepare the messages collection in MongoDB: {starting}"
                : "Starting: creating indexes and storing any messages spilled at the last shutdown.");
        }

        if (health.IsFailing)
        {
            return HealthCheckResult.Unhealthy(health.LastError is { } error
                ? $"Message inserts are failing; the queue holds the backlog. Last error: {error}"
                : "Message inserts are failing; the queue holds the backlog.");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(PingTimeout);
        try
        {
            await store.PingAsync(deadline.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Any failure to answer a ping within the deadline means not ready; the exception is the description.
            return HealthCheckResult.Unhealthy($"MongoDB did not answer a ping: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }
}
