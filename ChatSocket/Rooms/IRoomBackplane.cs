using ChatSocket.Messages;
using MongoDB.Bson;

namespace ChatSocket.Rooms;

/// <summary>
/// The cluster's ordering authority as rooms see it (implemented by <c>Backplane/RedisBackplane</c>, or
/// <see cref="NoBackplane"/> on a single node): it issues a room's next id and publishes the message to every node in
/// one step, and feeds a room's published messages, its own included, back to the room in id order.
/// </summary>
internal interface IRoomBackplane
{
    /// <summary>False on a single node: the room's lock issues the ids, nothing is published.</summary>
    bool IsEnabled { get; }

    /// <summary>
    /// Issues the room's next id and publishes the message with it; returns the message as every node receives it.
    /// <paramref name="floor"/> is the newest id this node knows for the room: ids issued after a loss of the
    /// authority's state start past it. Throws <see cref="BackplaneUnavailableException"/> when the message may not
    /// have been published (nothing is known to have been issued).
    /// </summary>
    Task<ChatMessage> PublishAsync(string roomId, string sender, string content, string? clientMsgId, ObjectId floor, CancellationToken cancellationToken);

    /// <summary>
    /// Starts delivering the room's published messages to <paramref name="room"/>: first, once, the recent ones the
    /// authority still holds (<see cref="IBackplaneRoom.CatchUp"/>), then each new one in id order. Returns when the
    /// subscription is confirmed; disposing the result stops it. Throws <see cref="BackplaneUnavailableException"/>.
    /// </summary>
    Task<IDisposable> SubscribeAsync(string roomId, IBackplaneRoom room, CancellationToken cancellationToken);

    /// <summary>
    /// Tells the other nodes that a member of this node joined or left the room, and that this node now has
    /// <paramref name="localCount"/> members in it. Never waits (called under the room's lock, in the order of the
    /// room's changes); delivered later, or lost while the backplane is unreachable (the counts heal with the next
    /// heartbeat).
    /// </summary>
    void MembersChanged(string roomId, string user, bool joined, int localCount);

    /// <summary>The member counts per room of the other live nodes (empty on a single node). Throws
    /// <see cref="BackplaneUnavailableException"/>.</summary>
    Task<IReadOnlyDictionary<string, int>> OtherNodesRoomsAsync(CancellationToken cancellationToken);
}
