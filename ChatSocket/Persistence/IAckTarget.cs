namespace ChatSocket.Persistence;

/// <summary>Whoever wants to hear that a message is durable: the sending connection, and the senders of resends.</summary>
internal interface IAckTarget
{
    /// <summary>Called once, off the writer's path; must not block (enqueue a frame, nothing more).</summary>
    void OnStored(PendingMessage message, InsertOutcome outcome);
}
