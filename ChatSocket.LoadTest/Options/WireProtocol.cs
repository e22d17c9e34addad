namespace ChatSocket.LoadTest.Options;

/// <summary>The protocol spoken to the server under test.</summary>
internal enum WireProtocol
{
    /// <summary>ChatSocket protocol v1: JSON frames, join/send/message/ack (docs/PROTOCOL.md).</summary>
    ChatSocket,

    /// <summary>The peers' protocol: the room is in the URL, every text frame is broadcast to the room as is.</summary>
    Raw,
}
