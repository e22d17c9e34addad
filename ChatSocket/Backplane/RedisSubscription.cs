using ChatSocket.Rooms;
using StackExchange.Redis;

namespace ChatSocket.Backplane;

/// <summary>One room's subscription; disposing it stops the delivery. The library unsubscribes the channel from Redis
/// once no room of this node listens to it (a room re-created meanwhile has a queue of its own).</summary>
internal sealed class RedisSubscription(string roomId, IBackplaneRoom room, ChannelMessageQueue queue, Action<RedisSubscription> removed) : IDisposable
{
    public string RoomId { get; } = roomId;

    public IBackplaneRoom Room { get; } = room;

    // Fire-and-forget is the library's: the command is queued to Redis and nothing waits for it (called under a
    // room's lock); a lost unsubscribe only costs messages this node ignores.
    public void Dispose()
    {
        removed(this);
        queue.Unsubscribe(CommandFlags.FireAndForget);
    }
}
