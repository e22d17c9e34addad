namespace ChatSocket.WebSockets;

/// <summary>Close status codes of RFC 6455 section 7.4 that this server sends or checks.</summary>
internal static class WebSocketCloseCodes
{
    public const ushort NormalClosure = 1000;
    public const ushort GoingAway = 1001;
    public const ushort ProtocolError = 1002;
    public const ushort UnsupportedData = 1003;
    public const ushort NoStatusReceived = 1005;
    public const ushort InvalidPayload = 1007;
    public const ushort PolicyViolation = 1008;
    public const ushort MessageTooBig = 1009;
    public const ushort InternalError = 1011;
    public const ushort TryAgainLater = 1013;

    /// <summary>Whether a peer may put <paramref name="code"/> in a close frame (1004-1006 and 1015 are reserved).</summary>
    public static bool IsValidOnTheWire(int code) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
}
