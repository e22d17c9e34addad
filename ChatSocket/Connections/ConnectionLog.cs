namespace ChatSocket.Connections;

/// <summary>Source-generated log messages of the connection layer (event ids 1000-1099).</summary>
internal static partial class ConnectionLog
{
    private static readonly Func<ILogger, long, string, string?, IDisposable?> ConnectionScope =
        LoggerMessage.DefineScope<long, string, string?>("Connection {ConnectionId} ({User} from {RemoteAddress})");

    /// <summary>A log scope carrying the connection id, user and remote address for everything logged while it runs.</summary>
    public static IDisposable? BeginConnectionScope(this ILogger logger, long connectionId, string user, string? remoteAddress) =>
        ConnectionScope(logger, connectionId, user, remoteAddress);

    [LoggerMessage(1000, LogLevel.Debug, "Connection {ConnectionId} opened for {User} from {RemoteAddress}")]
    public static partial void Opened(ILogger logger, long connectionId, string user, string? remoteAddress);

    [LoggerMessage(1001, LogLevel.Debug, "Connection {ConnectionId} ended")]
    public static partial void Ended(ILogger logger, long connectionId);

    [LoggerMessage(1002, LogLevel.Debug, "Upgrade refused with {StatusCode}: {Reason}")]
    public static partial void UpgradeRefused(ILogger logger, int statusCode, string reason);

    [LoggerMessage(1003, LogLevel.Debug, "Connection {ConnectionId} broke the protocol, closing with {CloseCode}: {Reason}")]
    public static partial void ProtocolViolation(ILogger logger, long connectionId, int closeCode, string reason);

    [LoggerMessage(1004, LogLevel.Information, "Connection {ConnectionId} is a slow consumer (send queue full), closing with 1013")]
    public static partial void SlowConsumer(ILogger logger, long connectionId);

    [LoggerMessage(1005, LogLevel.Information, "Connection {ConnectionId} idle past the timeout, closing")]
    public static partial void IdleTimeout(ILogger logger, long connectionId);

    [LoggerMessage(1006, LogLevel.Debug, "Connection {ConnectionId} did not finish its close handshake in time; aborting")]
    public static partial void CloseTimedOut(ILogger logger, long connectionId);

    [LoggerMessage(1007, LogLevel.Error, "Connection {ConnectionId} failed")]
    public static partial void Failed(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(1008, LogLevel.Warning, "Connection limit {Limit} reached; refusing an upgrade with 503")]
    public static partial void ConnectionLimitReached(ILogger logger, int limit);

    [LoggerMessage(1009, LogLevel.Information, "Connection {ConnectionId}: its token expired, closing with 1008")]
    public static partial void TokenExpired(ILogger logger, long connectionId);

    [LoggerMessage(1010, LogLevel.Debug, "Upgrade refused with {StatusCode}: token {Reason}")]
    public static partial void TokenRefused(ILogger logger, int statusCode, string reason);

    [LoggerMessage(1011, LogLevel.Information, "User {User} has {Limit} connections open; refusing another with 429")]
    public static partial void UserConnectionLimitReached(ILogger logger, string user, int limit);

    [LoggerMessage(1012, LogLevel.Debug, "A connection's first request goes to Kestrel's HTTP layer: {Reason}")]
    public static partial void HandedToHttp(ILogger logger, string reason);
}
