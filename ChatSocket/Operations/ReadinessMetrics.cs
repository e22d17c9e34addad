using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatSocket.Operations;

/// <summary>
/// Gauge <c>chatsocket.health.ready</c> (meter <c>ChatSocket.Health</c>): 1 per readiness check that passed at its last
/// periodic run, 0 per check that failed, tagged <c>check</c>. Fed by the framework's health check publisher, so a
/// scrape never waits for a database ping.
/// </summary>
internal sealed class ReadinessMetrics : IHealthCheckPublisher
{
    public const string MeterName = "ChatSocket.Health";

    private volatile HealthReport? _last;

    public ReadinessMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("chatsocket.health.ready", Observe, description: "1 while the readiness check passes, 0 while it fails (checked periodically).");
    }

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        _last = report;
        return Task.CompletedTask;
    }

    private IEnumerable<Measurement<int>> Observe()
    {
        // Nothing before the first run: no value is better than a guess.
        var report = _last;
        if (report is null)
        {
            yield break;
        }

        foreach (var (name, entry) in report.Entries)
        {
            yield return new Measurement<int>(entry.Status == HealthStatus.Healthy ? 1 : 0, new KeyValuePair<string, object?>("check", name));
        }
    }
}
