namespace ChatSocket.Chat;

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

    /// <summary>The sender already used this <c>client_msg_id</c> in the room for other content: neither broadcast nor
    /// stored.</summary>
    DuplicateClientMsgId,

    /// <summary>The database could not be asked whether the <c>client_msg_id</c> is used: neither broadcast nor
    /// stored; the client may send again later.</summary>
    Unavailable,

    /// <summary>The backplane (Redis) could not be reached: nothing was published; the client may send again.</summary>
    BackplaneUnavailable,
}
