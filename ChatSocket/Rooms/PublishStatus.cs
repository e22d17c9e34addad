namespace ChatSocket.Rooms;

/// <summary>Outcome of <see cref="Room.TryPublish"/>.</summary>
internal enum PublishStatus
{
    /// <summary>Assigned an id, queued for storage, recorded and broadcast.</summary>
    Published,

    /// <summary>The sender already sent this <c>client_msg_id</c> with the same content: nothing was broadcast.</summary>
    Resend,

    /// <summary>The sender already used this <c>client_msg_id</c> for other content: nothing was broadcast.</summary>
    Conflict,

    /// <summary>A message with this <c>client_msg_id</c> may have left the ring while the database was asked about
    /// it: ask the database again.</summary>
    Recheck,

    /// <summary>The persistence queue is full: nothing happened.</summary>
    QueueFull,

    /// <summary>The sender's <c>client_msg_id</c> belongs to a message another node accepted (the original is in the
    /// result): only the database can say whether it is stored yet.</summary>
    OtherNodesOriginal,

    /// <summary>The backplane could not be reached: nothing was published.</summary>
    BackplaneUnavailable,
}
