namespace ChatSocket.Persistence;

/// <summary>
/// Where messages not yet stored stay readable while they wait (the history's in-memory rings). The writer puts the
/// messages of a spill file back there at start, before anything new is accepted.
/// </summary>
internal interface IPendingMessageCache
{
    /// <summary>Adds a restored message; called in id order per room.</summary>
    void Restore(PendingMessage message);
}
