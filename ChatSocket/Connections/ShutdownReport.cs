namespace ChatSocket.Connections;

/// <summary>
/// Says at shutdown how many clients are being closed (each gets 1001 "server shutting down" as the host stops): the
/// operator sees what a restart cost. Counted when the host starts stopping, before the clients' closes can end
/// them. The message writer reports what it stored or spilled.
/// </summary>
internal sealed partial class ShutdownReport(ConnectionRegistry connections, IHostApplicationLifetime lifetime, ILogger<ShutdownReport> logger) : IHostedService
{
    private CancellationTokenRegistration _onStopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _onStopping = lifetime.ApplicationStopping.Register(static state => ((ShutdownReport)state!).Report(), this);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _onStopping.DisposeAsync().AsTask();

    private void Report() => LogClosing(logger, connections.Count);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Shutting down: closing {Count} client connections (1001)")]
    private static partial void LogClosing(ILogger logger, int count);
}
