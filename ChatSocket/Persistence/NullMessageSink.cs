namespace ChatSocket.Persistence;

/// <summary>The sink when persistence is off (<c>Persistence:Enabled=false</c>): it stores nothing and is never
/// full; each message is settled at once, so the ring may evict it like any stored one.</summary>
internal sealed class NullMessageSink : IMessageSink
{
    public bool TryAdd(PendingMessage message)
    {
        message.Complete(InsertOutcome.NotDurable(message.Message.Id));
        return true;
    }

    public bool HasRoom => true;

    public Task<bool> WaitForRoomAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult(true);

    public void AckWhenStored(PendingMessage message, IAckTarget target)
    {
        // Nothing is stored, so there is nothing to acknowledge.
    }
}
