using System.Buffers.Binary;
using MongoDB.Bson;

namespace ChatSocket.Messages;

/// <summary>
/// A room's history: the in-memory ring for recent messages (including those not stored yet) and the archive
/// beyond it, merged and de-duplicated by id. The ring is read first: every message older than the ring's oldest
/// is already in the archive, so the archive query that follows cannot miss one.
/// </summary>
internal sealed class MessageHistory(RecentMessages recent, IMessageArchive archive) : IMessageHistory
{
    public Task<HistoryPage> GetRecentAsync(string roomId, int limit, CancellationToken cancellationToken) =>
        PageBeforeAsync(roomId, null, limit, cancellationToken);

    public Task<HistoryPage> GetBeforeAsync(string roomId, ObjectId beforeId, int limit, CancellationToken cancellationToken) =>
        PageBeforeAsync(roomId, beforeId, limit, cancellationToken);

    public async Task<HistoryPage> GetAfterAsync(string roomId, ObjectId afterId, ObjectId? beforeId, int limit, CancellationToken cancellationToken)
    {
        var readAt = DateTime.UtcNow;
        var first = recent.Find(roomId);
        var (ring, evictions) = first?.Snapshot() ?? ([], 0);
        var stored = await archive.GetAfterAsync(roomId, afterId, beforeId, limit, cancellationToken);
        if (RingAfterRead(roomId, first, evictions) is { } now)
        {
            var merged = Merge(stored.Messages, now, afterId, beforeId);
            return new HistoryPage(merged.Count > limit ? merged[..limit] : merged, merged.Count > limit || stored.HasMore);
        }

        var partial = Merge(stored.Messages, ring, afterId, beforeId);
        var take = Math.Min(CountPublishedBefore(partial, ring, readAt), limit);
        return new HistoryPage(partial[..take], take < partial.Count || stored.HasMore);
    }

    private async Task<HistoryPage> PageBeforeAsync(string roomId, ObjectId? beforeId, int limit, CancellationToken cancellationToken)
    {
        var readAt = DateTime.UtcNow;
        var first = recent.Find(roomId);
        var (ring, evictions) = first?.Snapshot() ?? ([], 0);
        var end = beforeId is { } before ? LowerBound(ring, before) : ring.Length;
        if (end > limit)
        {
            return new HistoryPage(ring[(end - limit)..end], true);
        }

        // The ring has too few: the older rest comes from the archive, strictly older than the ring's oldest.
        var olderThan = end > 0 ? ring[0].Id : beforeId;
        var older = await archive.GetBeforeAsync(roomId, olderThan, limit - end, cancellationToken);
        if (ring.Length > 0)
        {
            // Bounded by a message of the ring: the archive's answer holds only messages published before the read.
            return new HistoryPage([.. older.Messages, .. ring[..end]], older.HasMore);
        }

        // An empty ring bounded nothing: messages published meanwhile may be in the archive's answer.
        if (RingAfterRead(roomId, first, evictions) is { } now)
        {
            var merged = Merge(older.Messages, now, after: null, beforeId);
            var skip = Math.Max(0, merged.Count - limit);
            return new HistoryPage(merged[skip..], skip > 0 || older.HasMore);
        }

        return new HistoryPage(older.Messages.Take(CountPublishedBefore(older.Messages, ring, readAt)).ToArray(), older.HasMore);
    }

    /// <summary>The room's ring after an archive read, when it proves that ring + answer miss nothing: it lost no
    /// message since the look before the read (the same ring with the same evictions, or a ring that appeared
    /// meanwhile and never evicted). Null when the answer may miss a message stored only after the read.</summary>
    private ChatMessage[]? RingAfterRead(string roomId, MessageRing? before, long evictionsBefore)
    {
        var after = recent.Find(roomId);
        if (after is null)
        {
            return before is null ? [] : null;
        }

        var (messages, evictions) = after.Snapshot();
        return (ReferenceEquals(before, after) && evictions == evictionsBefore) || (before is null && evictions == 0) ? messages : null;
    }

    /// <summary>
    /// How many of <paramref name="page"/> (in id order) were published before the ring was read at
    /// <paramref name="readAt"/>. Only those are surely complete: each was in the ring or stored before the read.
    /// A message published later may be stored before an earlier one (batches in flight, retries), so an archive
    /// answer can hold it while the earlier one is in neither: they are left out, as a page may not have a hole.
    /// </summary>
    private static int CountPublishedBefore(IReadOnlyList<ChatMessage> page, ChatMessage[] ring, DateTime readAt)
    {
        // Ids follow the room's order: with a ring, everything up to its newest came first; without one, every
        // later message has an id from the second of the read onwards (its timestamp never runs backwards).
        var firstLater = ring.Length == 0 ? FirstIdOf(readAt) : (ObjectId?)null;
        var count = 0;
        while (count < page.Count && (firstLater is { } bound ? page[count].Id < bound : page[count].Id <= ring[^1].Id))
        {
            count++;
        }

        return count;
    }

    // The smallest ObjectId of the second of `time`.
    private static ObjectId FirstIdOf(DateTime time)
    {
        var bytes = new byte[12];
        BinaryPrimitives.WriteInt32BigEndian(bytes, (int)((DateTimeOffset)DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeSeconds());
        return new ObjectId(bytes);
    }

    /// <summary>
    /// The archive's part of a join's history, fetched before the join takes the room's lock (see
    /// <see cref="Rooms.Room.TryJoin"/>): the newest <paramref name="limit"/> stored messages, or those after
    /// <paramref name="since"/>.
    /// </summary>
    public Task<HistoryPage> FetchForJoinAsync(string roomId, int limit, ObjectId? since, CancellationToken cancellationToken) =>
        since is { } after
            ? archive.GetAfterAsync(roomId, after, null, limit, cancellationToken)
            : archive.GetBeforeAsync(roomId, null, limit, cancellationToken);

    /// <summary>Stored and in-memory messages in id order without duplicates, within (after, before).</summary>
    public static List<ChatMessage> Merge(IReadOnlyList<ChatMessage> stored, IReadOnlyList<ChatMessage> ring, ObjectId? after, ObjectId? before)
    {
        var merged = new List<ChatMessage>(stored.Count + ring.Count);
        int i = 0, j = 0;
        while (i < stored.Count || j < ring.Count)
        {
            ChatMessage next;
            if (j >= ring.Count || (i < stored.Count && stored[i].Id < ring[j].Id))
            {
                next = stored[i++];
            }
            else if (i >= stored.Count || ring[j].Id < stored[i].Id)
            {
                next = ring[j++];
            }
            else
            {
                next = ring[j++];
                i++;
            }

            if ((after is null || next.Id > after.Value) && (before is null || next.Id < before.Value))
            {
                merged.Add(next);
            }
        }

        return merged;
    }

    private static int LowerBound(ChatMessage[] messages, ObjectId id)
    {
        int low = 0, high = messages.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (messages[middle].Id < id)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
