using System.Buffers.Binary;
using ChatSocket.Messages;
using ChatSocket.Persistence;
using MongoDB.Bson;

namespace ChatSocket.History;

/// <summary>
/// The one owner of a room's history as readers see it: join pages, resumes, paging and the REST API. History is the
/// in-memory ring (recent messages, including those not stored yet, see <see cref="MessageRing"/>) and the archive
/// beyond it, merged and de-duplicated by id.
/// <para>The rule every read keeps: <b>ring + archive never leave a gap</b>. A message leaves the ring only once it
/// is stored, so everything older than the ring's oldest is in the archive. A read therefore looks at the ring, then
/// asks the archive, and trusts the archive's answer only up to what it can prove: the ring lost nothing during the
/// read (same ring, same eviction count), or the answer ends before the ring's oldest at the start, or (no ring) each
/// message was published before the read began. Anything past that bound could have a hole and is left out.</para>
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
    /// Reads the archive's part of a join's history, before the join takes the room's lock (no I/O under it), with
    /// the ring's state just before the read; <see cref="TryPageForJoin"/> then decides whether it may be used.
    /// </summary>
    public async Task<JoinRequest> PrefetchForJoinAsync(string roomId, JoinRequest request, CancellationToken cancellationToken)
    {
        var ring = recent.RingOf(roomId);
        var (evictions, oldest) = ring.Watermark();
        if (request.Since is { } after)
        {
            // A resume must not get a page with a hole: an unreadable archive is the caller's "unavailable".
            var newer = await archive.GetAfterAsync(roomId, after, null, request.History, cancellationToken);
            return request with { Prefetched = new JoinPrefetch(newer, ring, evictions, oldest) };
        }

        try
        {
            var stored = await archive.GetBeforeAsync(roomId, null, request.History, cancellationToken);
            return request with { Prefetched = new JoinPrefetch(stored, ring, evictions, oldest) };
        }
        catch (ArchiveUnavailableException)
        {
            // A plain join still gets the newest messages the ring has (a contiguous tail: no hole), with has_more.
            return request with { Prefetched = new JoinPrefetch(HistoryPage.Empty, ring, evictions, oldest, ArchiveUnavailable: true) };
        }
    }

    /// <summary>
    /// The history a join gets, called under the room's lock so that every message published afterwards reaches the
    /// joiner after this page: no gap, no duplicate. Null when the ring cannot answer alone and the archive's part is
    /// needed (again): the caller reads it with <see cref="PrefetchForJoinAsync"/>, outside the lock, and retries.
    /// </summary>
    public HistoryPage? TryPageForJoin(string roomId, JoinRequest request)
    {
        var ring = recent.RingOf(roomId);
        var fromRing = request.Since is { } since ? ring.TryTakeAfter(since, request.History) : ring.TryTakeRecent(request.History);
        if (fromRing is not null)
        {
            return fromRing;
        }

        // The archive's part was read before the lock; it is good only if the ring evicted nothing since, because
        // then every message is in the archive's answer, in the ring, or published after this join.
        if (request.Prefetched is not { } prefetched || !ReferenceEquals(prefetched.Ring, ring))
        {
            return null;
        }

        if (prefetched.ArchiveUnavailable)
        {
            var (all, _) = ring.Snapshot();
            return new HistoryPage(all[Math.Max(0, all.Length - request.History)..], true);
        }

        if (prefetched.Evictions != ring.Evictions)
        {
            // The ring moved on during the read. A resume's page is still good when it is full and ends before the
            // ring's oldest at read time: all of that was stored before the read, so the page has no hole, and more
            // follow. Without this a resume into a busy room would read again and again, never to be answered.
            var page = prefetched.Stored.Messages;
            if (request.Since is not null && page.Count >= request.History && prefetched.OldestId is { } oldest &&
                (request.History == 0 || page[request.History - 1].Id < oldest))
            {
                return new HistoryPage([.. page.Take(request.History)], true);
            }

            return null;
        }

        var (inRing, evictions) = ring.Snapshot();
        var merged = Merge(prefetched.Stored.Messages, inRing, request.Since, before: null);
        if (request.Since is null)
        {
            var stored = prefetched.Stored.Messages;
            if (!prefetched.Stored.HasMore && (stored.Count == 0 || (inRing.Length > 0 && stored[0].Id >= inRing[0].Id)))
            {
                // The archive held the whole room, all of it in the ring too: later joins need no query.
                ring.MarkComplete(evictions);
            }

            var skip = Math.Max(0, merged.Count - request.History);
            return new HistoryPage(merged[skip..], skip > 0 || prefetched.Stored.HasMore);
        }

        var take = Math.Min(request.History, merged.Count);
        return new HistoryPage(merged[..take], take < merged.Count || prefetched.Stored.HasMore);
    }

    // Stored and in-memory messages in id order without duplicates, within (after, before).
    private static List<ChatMessage> Merge(IReadOnlyList<ChatMessage> stored, IReadOnlyList<ChatMessage> ring, ObjectId? after, ObjectId? before)
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
