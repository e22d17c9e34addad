namespace ChatSocket.WebSockets;

/// <summary>
/// One event from the peer. <see cref="Payload"/> points into the reader's pooled buffer and is valid only until the
/// next call to <see cref="WebSocketReader.ReadAsync"/>.
/// </summary>
internal readonly record struct WebSocketReadResult(WebSocketReadKind Kind, ReadOnlyMemory<byte> Payload, ushort CloseCode)
{
    public static WebSocketReadResult EndOfStream => new(WebSocketReadKind.EndOfStream, default, WebSocketCloseCodes.NoStatusReceived);
}
