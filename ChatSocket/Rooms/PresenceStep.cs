namespace ChatSocket.Rooms;

/// <summary>What the room does after <see cref="PresenceBatcher.Add"/>.</summary>
internal enum PresenceStep
{
    /// <summary>The room is quiet: send the event now, as a <c>presence</c> frame, to every member but the joiner.</summary>
    SendNow,

    /// <summary>The event started a batch: arm the flush for <see cref="PresenceBatcher.UntilWindowEnds"/>.</summary>
    BatchStarted,

    /// <summary>The event joined the pending batch, whose flush is armed already.</summary>
    Batched,

    /// <summary>The batch is full: flush it now.</summary>
    BatchFull,
}
