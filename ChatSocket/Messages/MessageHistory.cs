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
        var (ring, _) = recent.Find(roomId)?.Snapshot() ?? ([], 0);
        var stored = await archive.GetAfterAsync(roomId, afterId, beforeId, limit, cancellationToken);
        var merged = Merge(stored.Messages, ring, afterId, beforeId);
        var hasMore = merged.Count > limit || stored.HasMore;
        return new HistoryPage(merged.Count > limit ? merged[..limit] : merged, hasMore);
    }

    private async Task<HistoryPage> PageBeforeAsync(string roomId, ObjectId? beforeId, int limit, CancellationToken cancellationToken)
    {
        var (ring, _) = recent.Find(roomId)?.Snapshot() ?? ([], 0);
        var end = beforeId is { } before ? LowerBound(ring, before) : ring.Length;
        if (end > limit)
        {
            return new HistoryPage(ring[(end - limit)..end], true);
        }

        // The ring has too few: the older rest comes from the archive, strictly older than the ring's oldest.
        var olderThan = end > 0 ? ring[0].Id : beforeId;
        var older = await archive.GetBeforeAsync(roomId, olderThan, limit - end, cancellationToken);
        return new HistoryPage([.. older.Messages, .. ring[..end]], older.HasMore);
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
