namespace ChatSocket.WebSockets;

/// <summary>The peer broke RFC 6455 or a limit; the connection is closed with <see cref="CloseCode"/>.</summary>
internal sealed class WebSocketProtocolException(ushort closeCode, string reason) : Exception(reason)
{
    public ushort CloseCode { get; } = closeCode;
}
