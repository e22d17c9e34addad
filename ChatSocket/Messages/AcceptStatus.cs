namespace ChatSocket.Messages;

/// <summary>Outcome of <see cref="MessageAcceptor.AcceptAsync"/>.</summary>
internal enum AcceptStatus
{
    /// <summary>Assigned an id, recorded and broadcast.</summary>
    Accepted,

    /// <summary>The sender is not a member of the room.</summary>
    NotInRoom,
}
