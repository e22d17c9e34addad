using ChatSocket.Rooms;

namespace ChatSocket.Chat;

/// <summary>
/// A client as the application layer sees it (a connection implements it): a room member that can also be answered
/// directly. The chat never sees sockets, and the transport never sees rooms or the database.
/// </summary>
internal interface IChatClient : IRoomMember
{
    /// <summary>True once the connection is closing: nothing more reaches the client.</summary>
    bool IsClosing { get; }

    /// <summary>Queues an answer to the client's own message (an ack) outside the send queue's cap: a client must not
    /// be closed as a slow consumer by its own acks.</summary>
    void SendReply(ReadOnlyMemory<byte> frame);
}
