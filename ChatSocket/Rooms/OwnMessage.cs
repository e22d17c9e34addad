using ChatSocket.Persistence;

namespace ChatSocket.Rooms;

/// <summary>
/// A message this node accepted through the backplane, between its two events: the script's reply (the sender
/// waits for the ack) and its delivery back from the subscription (it enters the ring and reaches the members). The
/// two may come in either order; whichever comes first creates the one <see cref="PendingMessage"/> and hands it to
/// the sink, whichever comes second asks for the ack, so the sender gets its message before its ack.
/// </summary>
internal sealed class OwnMessage(PendingMessage pending)
{
    public PendingMessage Pending { get; } = pending;

    /// <summary>The sender waiting for the ack, once the script replied.</summary>
    public IAckTarget? AckTo { get; set; }

    /// <summary>True once the message entered the ring and reached the members.</summary>
    public bool Delivered { get; set; }
}
