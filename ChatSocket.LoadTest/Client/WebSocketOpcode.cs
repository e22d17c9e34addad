namespace ChatSocket.LoadTest.Client;

/// <summary>RFC 6455 frame opcodes.</summary>
internal enum WebSocketOpcode : byte
{
    /// <summary>Continuation of a fragmented message.</summary>
    Continuation = 0x0,

    /// <summary>UTF-8 text.</summary>
    Text = 0x1,

    /// <summary>Binary data.</summary>
    Binary = 0x2,

    /// <summary>Close handshake.</summary>
    Close = 0x8,

    /// <summary>Ping; answered with a pong carrying the same payload.</summary>
    Ping = 0x9,

    /// <summary>Pong.</summary>
    Pong = 0xA,
}
