namespace ChatSocket.Connections;

/// <summary>Outcome of handing a frame to a connection's <see cref="Outbox"/>.</summary>
internal enum EnqueueResult
{
    /// <summary>Queued; the send loop will write it.</summary>
    Queued,

    /// <summary>The queue is at capacity: the owner is a slow consumer.</summary>
    Full,

    /// <summary>The connection is closing; the frame was dropped.</summary>
    Closed,
}
