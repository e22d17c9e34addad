namespace ChatSocket.Backplane;

/// <summary>Log events of the backplane (4300 range).</summary>
internal static partial class BackplaneLog
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Backplane: node {NodeId} uses Redis at {Endpoints}")]
    public static partial void Started(ILogger logger, string nodeId, string endpoints);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Backplane: the {ConnectionType} connection to Redis {Endpoint} failed ({FailureType}); sends are refused until it is back")]
    public static partial void ConnectionFailed(ILogger logger, string connectionType, string endpoint, string failureType, Exception? exception);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Information, Message = "Backplane: the {ConnectionType} connection to Redis {Endpoint} is restored")]
    public static partial void ConnectionRestored(ILogger logger, string connectionType, string endpoint);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Warning, Message = "Backplane: {Operation} for room {RoomId} failed: {Reason}")]
    public static partial void OperationFailed(ILogger logger, string operation, string roomId, string reason);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Error, Message = "Backplane: a message on the channel of room {RoomId} could not be decoded and was dropped")]
    public static partial void Undecodable(ILogger logger, string roomId, Exception exception);

    [LoggerMessage(EventId = 4306, Level = LogLevel.Warning, Message = "Backplane: membership changes cannot reach Redis ({Reason}); other nodes' counts of this node's members are stale until it is back")]
    public static partial void PresenceFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4307, Level = LogLevel.Information, Message = "Backplane: membership changes reach Redis again")]
    public static partial void PresenceRestored(ILogger logger);
}
