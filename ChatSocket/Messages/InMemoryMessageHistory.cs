using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using MongoDB.Bson;

namespace ChatSocket.Messages;

/// <summary>
/// Recent messages of every room in memory: one <see cref="MessageRing"/> per room, at most
/// <see cref="ChatOptions.HistoryRoomCapacity"/> rooms (the least recently written ring is evicted). It outlives room
/// membership, so an emptied room keeps its history. Persistence (#4) keeps it as the hot cache in front of MongoDB.
/// </summary>
internal sealed class InMemoryMessageHistory(IOptions<ChatOptions> options) : IMessageHistory
{
    private readonly ConcurrentDictionary<string, MessageRing> _rings = new(StringComparer.Ordinal);
    private readonly Lock _createGate = new();
    private readonly int _capacity = options.Value.HistoryCapacity;
    private readonly int _roomCapacity = options.Value.HistoryRoomCapacity;

    /// <summary>Appends an accepted message; called in the room's order (under its lock).</summary>
    public void Append(ChatMessage message) => RingOf(message.RoomId).Append(message);

    /// <summary>The newest messages of a room, synchronously (used under the room lock on join).</summary>
    public HistoryPage TakeRecent(string roomId, int limit) =>
        _rings.TryGetValue(roomId, out var ring) ? ring.TakeRecent(limit) : HistoryPage.Empty;

    public Task<HistoryPage> GetRecentAsync(string roomId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(TakeRecent(roomId, limit));

    public Task<HistoryPage> GetBeforeAsync(string roomId, ObjectId beforeId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(_rings.TryGetValue(roomId, out var ring) ? ring.TakeBefore(beforeId, limit) : HistoryPage.Empty);

    private MessageRing RingOf(string roomId)
    {
        if (_rings.TryGetValue(roomId, out var ring))
        {
            return ring;
        }

        // Creation is rare (a room's first message): one lock keeps the count within the limit.
        lock (_createGate)
        {
            if (_rings.TryGetValue(roomId, out ring))
            {
                return ring;
            }

            if (_rings.Count >= _roomCapacity)
            {
                var oldest = _rings.MinBy(pair => pair.Value.LastWrite);
                _rings.TryRemove(oldest);
            }

            ring = new MessageRing(_capacity);
            _rings[roomId] = ring;
            return ring;
        }
    }
}
