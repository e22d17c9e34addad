using System.Collections.Concurrent;
using ChatSocket.Persistence;
using Microsoft.Extensions.Options;

namespace ChatSocket.History;

/// <summary>
/// Recent messages of every room in memory, the hot cache in front of the <see cref="IMessageArchive"/>: one
/// <see cref="MessageRing"/> per room, at most <see cref="ChatOptions.HistoryRoomCapacity"/> rooms (the least
/// recently written ring whose messages are all stored is dropped). It outlives room membership. With persistence on,
/// the rings remember their senders' <c>client_msg_id</c>s within <paramref name="memory"/>'s bound.
/// </summary>
internal sealed class RecentMessages(IMessageArchive archive, IOptions<ChatOptions> options, ClientMsgIdMemory? memory = null) : IPendingMessageCache
{
    private readonly ConcurrentDictionary<string, MessageRing> _rings = new(StringComparer.Ordinal);
    private readonly Lock _createGate = new();
    private readonly int _capacity = options.Value.HistoryCapacity;
    private readonly int _roomCapacity = options.Value.HistoryRoomCapacity;

    /// <summary>The ring of a room, created empty when it has none.</summary>
    public MessageRing RingOf(string roomId)
    {
        // A retired ring is on its way out of the map (under _createGate): wait for that below.
        if (_rings.TryGetValue(roomId, out var ring) && !ring.IsRetired)
        {
            return ring;
        }

        // Creation is rare (a room's first message or join): one lock keeps the count within the limit.
        lock (_createGate)
        {
            if (_rings.TryGetValue(roomId, out ring) && !ring.IsRetired)
            {
                return ring;
            }

            if (_rings.Count >= _roomCapacity)
            {
                DropLeastRecentlyWritten();
            }

            ring = new MessageRing(_capacity, archive.IsDurable, archive.IsDurable ? memory : null);
            _rings[roomId] = ring;
            return ring;
        }
    }

    /// <summary>Puts a message restored from the spill file back into its room's ring, where every message not yet
    /// stored belongs.</summary>
    public void Restore(PendingMessage message)
    {
        while (!RingOf(message.Message.RoomId).Append(message))
        {
            // Only a settled ring is retired; ask again for the room's current ring.
        }
    }

    /// <summary>Drops a room's ring when all of it is stored (it may have missed messages published while this node
    /// did not listen to the room); a ring still holding unstored messages stays. The next reader gets a new ring.</summary>
    public void Forget(string roomId)
    {
        lock (_createGate)
        {
            if (_rings.TryGetValue(roomId, out var ring) && ring.TryRetire())
            {
                _rings.TryRemove(new KeyValuePair<string, MessageRing>(roomId, ring));
            }
        }
    }

    /// <summary>The ring of a room, if it has one.</summary>
    public MessageRing? Find(string roomId) => _rings.GetValueOrDefault(roomId);

    private void DropLeastRecentlyWritten()
    {
        // Only a ring whose messages are all stored may go: the others hold what the database does not have yet.
        // Usually the least recently written ring is settled, and one check of it is enough; only when it is not is
        // every ring checked. When none qualifies (an outage), the map stays over its limit until the backlog is
        // stored. Retiring re-checks under the ring's lock: a message appended since keeps the ring.
        if (Oldest(settledOnly: false) is { } oldest && oldest.Value.TryRetire())
        {
            _rings.TryRemove(oldest);
        }
        else if (Oldest(settledOnly: true) is { } settled && settled.Value.TryRetire())
        {
            _rings.TryRemove(settled);
        }
    }

    private KeyValuePair<string, MessageRing>? Oldest(bool settledOnly)
    {
        KeyValuePair<string, MessageRing>? oldest = null;
        foreach (var pair in _rings)
        {
            if ((oldest is null || pair.Value.LastWrite < oldest.Value.Value.LastWrite) && (!settledOnly || pair.Value.IsSettled))
            {
                oldest = pair;
            }
        }

        return oldest;
    }
}
