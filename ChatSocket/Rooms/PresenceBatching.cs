namespace ChatSocket.Rooms;

/// <summary>How rooms batch presence during a burst (<see cref="ChatOptions.PresenceBatchWindow"/>,
/// <see cref="ChatOptions.PresenceBatchMaxEvents"/>, <see cref="ChatOptions.PresenceDeliveriesPerSecond"/>), and the
/// clock their flush timers run on.</summary>
internal sealed record PresenceBatching(TimeSpan Window, int MaxEvents, int DeliveriesPerSecond, TimeProvider Time)
{
    /// <summary>A room's batcher.</summary>
    public PresenceBatcher CreateBatcher(string roomId) => new(roomId, Window, MaxEvents, DeliveriesPerSecond, Time);
}
