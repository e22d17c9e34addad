namespace ChatSocket.WebSockets;

/// <summary>What <see cref="WebSocketReader.ReadAsync"/> found.</summary>
internal enum WebSocketReadKind
{
    /// <summary>A complete, valid UTF-8 text message.</summary>
    Text,

    /// <summary>A ping; its payload must be echoed in a pong.</summary>
    Ping,

    /// <summary>The peer's close frame.</summary>
    Close,

    /// <summary>The peer closed the TCP stream without a close frame.</summary>
    EndOfStream,
}
