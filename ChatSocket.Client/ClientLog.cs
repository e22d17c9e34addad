using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace ChatSocket.Client;

internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Information, "Connected to {Uri} (connection {Generation})")]
    public static partial void Connected(ILogger logger, Uri uri, int generation);

    [LoggerMessage(2, LogLevel.Information, "Connection {Generation} ended (close status {CloseStatus}); reconnecting")]
    public static partial void ConnectionLost(ILogger logger, int generation, WebSocketCloseStatus? closeStatus, Exception? error);

    [LoggerMessage(3, LogLevel.Information, "Connection attempt failed; next in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, TimeSpan delay, Exception error);

    [LoggerMessage(4, LogLevel.Warning, "Stopped: {Reason}")]
    public static partial void Stopped(ILogger logger, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Join of {RoomId} refused with {Code}; retrying in {Delay}")]
    public static partial void JoinRefused(ILogger logger, string roomId, string code, TimeSpan delay);

    [LoggerMessage(6, LogLevel.Warning, "Server error {Code} for {Ref}: {Message}")]
    public static partial void ServerError(ILogger logger, string? code, string? @ref, string? message);

    [LoggerMessage(7, LogLevel.Warning, "A frame from the server is not protocol v1; dropping the connection")]
    public static partial void BadFrame(ILogger logger, Exception error);

    [LoggerMessage(8, LogLevel.Warning, "A StateChanged or ReplayIncomplete handler threw")]
    public static partial void HandlerFailed(ILogger logger, Exception error);
}
