using System.Collections.Concurrent;
using ChatSocket.History;
using ChatSocket.Persistence;
using Microsoft.Extensions.Options;
using MongoDB.Bson;

namespace ChatSocket.Rooms;

/// <summary>
/// The rooms that have members. Rooms are created on the first join and removed atomically when the last member
/// leaves; their number is bounded by <see cref="ChatOptions.MaxRooms"/>.
/// </summary>
internal sealed class RoomRegistry(RecentMessages recent, MessageHistory history, IMessageSink sink, IRoomBackplane backplane, IOptions<ChatOptions> options)
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly int _maxRooms = options.Value.MaxRooms;
    private readonly PresenceBatching _presenceBatching = new(
        options.Value.PresenceBatchWindow, options.Value.PresenceBatchMaxEvents, options.Value.PresenceDeliveriesPerSecond, TimeProvider.System);
    private int _count;

    /// <summary>Rooms with at least one member.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Adds the connection to the room, creating it if needed (see <see cref="Room.TryJoin"/>). When the history
    /// needs the archive, it is read first, outside any lock, and the join retried with it.
    /// </summary>
    public async ValueTask<JoinStatus> JoinAsync(IRoomMember member, string roomId, int historyCount, ObjectId? since, CancellationToken cancellationToken)
    {
        var request = new JoinRequest(historyCount, since);
        while (true)
        {
            if (!_rooms.TryGetValue(roomId, out var room))
            {
                if (Interlocked.Increment(ref _count) > _maxRooms)
                {
                    Interlocked.Decrement(ref _count);
                    return JoinStatus.ServerRoomLimit;
                }

                room = new Room(roomId, recent, history, sink, backplane, _presenceBatching, Remove);
                if (!_rooms.TryAdd(roomId, room))
                {
                    Interlocked.Decrement(ref _count);
                    continue;
                }
            }

            try
            {
                // With a backplane the room listens to its channel before the join takes its history.
                await room.EnsureSubscribedAsync(cancellationToken);
            }
            catch
            {
                room.RemoveIfEmpty();
                throw;
            }

            var status = room.TryJoin(member, request);
            if (status == JoinStatus.NeedsArchive)
            {
                // A busy ring may evict while the archive is read; each retry reads again. Rare beyond one.
                try
                {
                    request = await history.PrefetchForJoinAsync(roomId, request, cancellationToken);
                }
                catch
                {
                    // The database failed or the joiner went away: a room this join created must not stay behind.
                    room.RemoveIfEmpty();
                    throw;
                }
            }
            else if (status != JoinStatus.RoomRemoved)
            {
                return status;
            }
        }
    }

    /// <summary>Removes the member from the room; false when it was not a member.</summary>
    public bool Leave(IRoomMember member, string roomId) =>
        _rooms.TryGetValue(roomId, out var room) && room.TryLeave(member);

    /// <summary>The room, if it has members.</summary>
    public Room? Find(string roomId) => _rooms.GetValueOrDefault(roomId);

    /// <summary>Active rooms with their member counts across the live nodes, ordered by id: a room with members here
    /// gives the count its <c>joined</c> and <c>presence</c> frames carry; the others are read from the backplane.
    /// Throws <see cref="BackplaneUnavailableException"/>.</summary>
    public async Task<IReadOnlyList<RoomSummary>> SummariesAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(await backplane.OtherNodesRoomsAsync(cancellationToken), StringComparer.Ordinal);
        foreach (var room in _rooms.Values)
        {
            counts[room.Id] = room.ClusterMemberCount;
        }

        return [.. counts.Where(pair => pair.Value > 0).Select(pair => new RoomSummary(pair.Key, pair.Value)).OrderBy(s => s.RoomId, StringComparer.Ordinal)];
    }

    private void Remove(Room room)
    {
        if (_rooms.TryRemove(new KeyValuePair<string, Room>(room.Id, room)))
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
