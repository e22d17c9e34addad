namespace ChatSocket.Connections;

/// <summary>Outcome of handing a frame to a connection's <see cref="Outbox"/>.</summary>
internal enum EnqueueResult
{
    /// <summary>Queued; the send loop will write it.</summary>
    Queued,

    /// <summary>Queued while the send loop was idle, and its wake-up was left to the caller
    /// (<see cref="Outbox.WakeInline"/>), so that one pass can wake every member of a broadcast.</summary>
    QueuedWakeDeferred,

    /// <summary>The queue is at capacity: the owner is a slow consumer.</summary>
    Full,

    /// <summary>The connection is closing; the frame was dropped.</summary>
    Closed,
}
