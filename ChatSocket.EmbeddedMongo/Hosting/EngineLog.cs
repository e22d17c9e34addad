using Microsoft.Extensions.Logging;

namespace ChatSocket.EmbeddedMongo.Hosting;

/// <summary>Source-generated log messages of the engine (event ids 3000-3099).</summary>
internal static partial class EngineLog
{
    [LoggerMessage(3000, LogLevel.Information, "Embedded MongoDB engine listening on {ConnectionString} (data directory: {DataDirectory})")]
    public static partial void Listening(ILogger logger, string connectionString, string dataDirectory);

    [LoggerMessage(3001, LogLevel.Debug, "Connection {ConnectionId} accepted from {RemoteEndPoint}")]
    public static partial void ConnectionAccepted(ILogger logger, int connectionId, string remoteEndPoint);

    [LoggerMessage(3002, LogLevel.Debug, "Connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(ILogger logger, int connectionId);

    [LoggerMessage(3003, LogLevel.Debug, "Connection {ConnectionId} sent an invalid message and is closed: {Reason}")]
    public static partial void ProtocolError(ILogger logger, int connectionId, string reason);

    [LoggerMessage(3004, LogLevel.Debug, "Command {CommandName} on connection {ConnectionId} was rejected: malformed arguments")]
    public static partial void CommandRejected(ILogger logger, Exception exception, string commandName, int connectionId);

    [LoggerMessage(3005, LogLevel.Information, "Journal replayed: {Records} records, {Bytes} bytes")]
    public static partial void JournalReplayed(ILogger logger, long records, long bytes);

    [LoggerMessage(3006, LogLevel.Warning, "Journal {Path} ends with a torn or corrupt record: dropped {DroppedBytes} bytes after offset {Offset}")]
    public static partial void JournalTornTail(ILogger logger, string path, long droppedBytes, long offset);

    [LoggerMessage(3007, LogLevel.Debug, "Killed {Count} idle cursors")]
    public static partial void CursorsReaped(ILogger logger, int count);

    [LoggerMessage(3008, LogLevel.Debug, "Connection refused: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, string reason);

    [LoggerMessage(3009, LogLevel.Information, "Listener stopped on port {Port}")]
    public static partial void ListenerStopped(ILogger logger, int port);

    [LoggerMessage(3010, LogLevel.Error, "Connection {ConnectionId} failed")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, int connectionId);

    [LoggerMessage(3012, LogLevel.Information, "Journal compacted from {BytesBefore} to {BytesAfter} bytes")]
    public static partial void JournalCompacted(ILogger logger, long bytesBefore, long bytesAfter);

    [LoggerMessage(3011, LogLevel.Error, "The journal could not be written; the write was rolled back and answered with an error")]
    public static partial void JournalFailed(ILogger logger, Exception exception);

    [LoggerMessage(3013, LogLevel.Warning, "Journal {Path} could not be compacted; it is kept as it is")]
    public static partial void JournalCompactionFailed(ILogger logger, Exception exception, string path);
}
