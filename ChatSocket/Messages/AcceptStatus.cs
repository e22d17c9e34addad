namespace ChatSocket.Messages;

/// <summary>Outcome of <see cref="MessageAcceptor.AcceptAsync"/>.</summary>
internal enum AcceptStatus
{
    /// <summary>Assigned an id, recorded and broadcast.</summary>
    Accepted,

    /// <summary>The sender is not a member of the room.</summary>
    NotInRoom,

    /// <summary>A resend of a <c>client_msg_id</c> the sender already used: not broadcast again; acked with the
    /// original's id once that is durable.</summary>
    Resend,

    /// <summary>The persistence queue stayed full past its timeout: neither broadcast nor stored.</summary>
    Overloaded,
}
