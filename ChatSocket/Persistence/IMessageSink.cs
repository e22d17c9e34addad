namespace ChatSocket.Persistence;

/// <summary>
/// Where a room hands each accepted message, in the room's order: the bounded <see cref="MessageQueue"/> in front of
/// the writer, or <see cref="NullMessageSink"/> when persistence is off. Callers never ask which one it is.
/// </summary>
internal interface IMessageSink
{
    /// <summary>Takes the message without waiting; false when it is full (the message was not taken).</summary>
    bool TryAdd(PendingMessage message);

    /// <summary>True when <see cref="TryAdd"/> would take a message now (a message published to other nodes must
    /// find room once it is out).</summary>
    bool HasRoom { get; }

    /// <summary>Waits until there may be room, at most <paramref name="timeout"/>; false on timeout or shutdown.</summary>
    Task<bool> WaitForRoomAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Asks for an ack to <paramref name="target"/> once <paramref name="message"/> is durable (or refused
    /// for good). A sink that stores nothing promises nothing, so it sends no ack.</summary>
    void AckWhenStored(PendingMessage message, IAckTarget target);
}
