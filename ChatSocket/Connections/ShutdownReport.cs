namespace ChatSocket.Connections;

/// <summary>
/// Says at shutdown how many clients are being closed (each gets 1001 "server shutting down" as the host stops): the
/// operator sees what a restart cost. The message writer reports what it stored or spilled.
/// </summary>
internal sealed partial class ShutdownReport(ConnectionRegistry connections, ILogger<ShutdownReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        LogClosing(logger, connections.Count);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Shutting down: closing {Count} client connections (1001)")]
    private static partial void LogClosing(ILogger logger, int count);
}
