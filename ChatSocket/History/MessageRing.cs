using ChatSocket.Messages;
using ChatSocket.Persistence;
using MongoDB.Bson;

namespace ChatSocket.History;

/// <summary>
/// The most recent messages of one room, in id order (appends happen under the room's lock, which assigns the ids).
/// It always holds a contiguous tail of the room: a message leaves it only when it is the oldest, the ring is over
/// its capacity, and the message is no longer waiting for the database. So every message older than the ring's
/// oldest is in the database, and every message not yet stored is here: ring + database have no gap. During a
/// database outage the ring grows past its capacity, bounded by the persistence queue. It also remembers the
/// <c>client_msg_id</c>s of its messages for idempotent resends and, given a <paramref name="memory"/>, those of its
/// senders' older messages too (<see cref="RememberedKeys"/>). Thread-safe; readers get copies. Without an archive
/// (<paramref name="archived"/> false, persistence off) the ring is all the history there is.
/// </summary>
internal sealed class MessageRing(int capacity, bool archived, ClientMsgIdMemory? memory = null)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Sender, string ClientMsgId), PendingMessage> _byClientId = [];
    private readonly RememberedKeys? _remembered = memory is null ? null : new RememberedKeys(memory);
    private PendingMessage[] _items = new PendingMessage[Math.Max(capacity, 1)];
    private int _head; // physical index of the oldest
    private int _count;
    private long _evictions;
    private ObjectId _lastEvictedId = ObjectId.Empty;
    // The eviction count at which the database was seen to hold nothing older than the ring: while it still
    // matches, the ring is the room's whole history.
    private long _completeAt = -1;
    // Set when RecentMessages drops the ring: appends are refused from then on, so none can land in a dropped ring.
    private volatile bool _retired;

    /// <summary><see cref="Environment.TickCount64"/> of the last append, for least-recently-written eviction.</summary>
    public long LastWrite { get; private set; } = Environment.TickCount64;

    /// <summary>Messages evicted so far: a reader that saw the same number before and after a database query knows
    /// the ring lost nothing in between.</summary>
    public long Evictions
    {
        get
        {
            lock (_gate)
            {
                return _evictions;
            }
        }
    }

    /// <summary>True when every message still waiting for the database has reached it (the ring may be dropped).</summary>
    public bool IsSettled
    {
        get
        {
            lock (_gate)
            {
                return IsSettledLocked();
            }
        }
    }

    /// <summary>True once the ring was dropped from <see cref="RecentMessages"/> (read without the lock: it is on
    /// the path of every message, and it never turns false again).</summary>
    public bool IsRetired => _retired;

    /// <summary>The id of the newest message (the room's last id), or <see cref="ObjectId.Empty"/> when empty.</summary>
    public ObjectId NewestId
    {
        get
        {
            lock (_gate)
            {
                return _count > 0 ? At(_count - 1).Message.Id : ObjectId.Empty;
            }
        }
    }

    /// <summary>Retires the ring if every message in it is stored (checked and decided in one locked step, so a
    /// concurrent <see cref="Append"/> either lands first and keeps the ring, or is refused).</summary>
    public bool TryRetire()
    {
        lock (_gate)
        {
            if (!_retired && IsSettledLocked())
            {
                _retired = true;
                _remembered?.Clear();
            }

            return _retired;
        }
    }

    /// <summary>Appends the room's newest message; false when the ring was retired (the caller asks
    /// <see cref="RecentMessages.RingOf"/> for the room's current ring and appends there).</summary>
    public bool Append(PendingMessage message)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            while (_count >= capacity && At(0).IsCompleted)
            {
                EvictOldest();
            }

            if (_count == _items.Length)
            {
                // The oldest are still waiting for the database: grow rather than lose them from history.
                var grown = new PendingMessage[_items.Length * 2];
                for (var i = 0; i < _count; i++)
                {
                    grown[i] = At(i);
                }

                _items = grown;
                _head = 0;
            }

            _items[(_head + _count) % _items.Length] = message;
            _count++;
            if (message.Message.ClientMsgId is { } clientMsgId)
            {
                _byClientId[(message.Message.Sender, clientMsgId)] = message;
                _remembered?.Taken(message.Message.Sender, clientMsgId);
            }

            LastWrite = Environment.TickCount64;
            return true;
        }
    }

    /// <summary>The message this sender already sent with this <c>client_msg_id</c>, if the ring still has it.</summary>
    public PendingMessage? FindByClientMsgId(string sender, string clientMsgId)
    {
        lock (_gate)
        {
            return _byClientId.GetValueOrDefault((sender, clientMsgId));
        }
    }

    /// <summary>
    /// Looks up a <c>client_msg_id</c> and takes a watermark in one step, before the database is asked about it. If
    /// the ring does not have it, any message with it that the database query cannot see was published after this
    /// call; <see cref="StillHoldsEverythingSince"/> later tells whether the ring still holds all of those. When the
    /// ring does not have it, <see cref="ClientMsgIdLookup.Knowledge"/> says whether the sender's remembered keys
    /// prove it new; with <paramref name="startLoad"/> a sender not remembered yet is begun (see
    /// <see cref="RememberedKeys"/>; only a caller that sees every message of the room pass through this ring may).
    /// </summary>
    public ClientMsgIdLookup LookUpClientMsgId(string sender, string clientMsgId, bool startLoad = false)
    {
        lock (_gate)
        {
            var newest = _count > 0 ? At(_count - 1).Message.Id : ObjectId.Empty;
            var watermark = new ClientMsgIdWatermark(this, newest, _evictions);
            var found = _byClientId.GetValueOrDefault((sender, clientMsgId));
            if (found is not null || _remembered is null || _retired)
            {
                return new ClientMsgIdLookup(found, watermark, KeyKnowledge.Unknown, null);
            }

            var (knowledge, load) = _remembered.Ask(sender, clientMsgId, startLoad, KeysOf(sender));
            return new ClientMsgIdLookup(null, watermark, knowledge, load);
        }
    }

    /// <summary>The stored keys of a sender whose load <see cref="LookUpClientMsgId"/> began (null: more than are
    /// remembered per sender).</summary>
    public void CompleteKeyLoad(SenderKeys load, IReadOnlyCollection<string>? stored)
    {
        lock (_gate)
        {
            if (!_retired)
            {
                _remembered?.CompleteLoad(load, stored);
            }
        }
    }

    /// <summary>A load that failed (the database could not answer): the next send of the sender begins again.</summary>
    public void AbortKeyLoad(SenderKeys load)
    {
        lock (_gate)
        {
            if (!_retired)
            {
                _remembered?.AbortLoad(load);
            }
        }
    }

    /// <summary>
    /// True when no message published after <paramref name="watermark"/> was taken has left the ring: nothing left
    /// it since, or the last message that left is one from before the watermark (messages leave oldest first).
    /// </summary>
    public bool StillHoldsEverythingSince(ClientMsgIdWatermark watermark)
    {
        lock (_gate)
        {
            return ReferenceEquals(watermark.Ring, this) &&
                (_evictions == watermark.Evictions || _lastEvictedId <= watermark.NewestId);
        }
    }

    /// <summary>Marks that the database holds nothing older than the ring's oldest message: the ring is the whole
    /// history of the room, and joins need no query.</summary>
    public void MarkComplete(long evictionsSeen)
    {
        lock (_gate)
        {
            if (_evictions == evictionsSeen)
            {
                _completeAt = evictionsSeen;
            }
        }
    }

    /// <summary>
    /// The newest <paramref name="limit"/> messages, oldest first, when the ring can answer alone (it has more than
    /// <paramref name="limit"/>, or it is the room's whole history); otherwise null.
    /// </summary>
    public HistoryPage? TryTakeRecent(int limit)
    {
        lock (_gate)
        {
            // A join that asks for no history needs no database read: an empty page, has_more as the ring knows it.
            if (limit > 0 && _count <= limit && !CanAnswerAlone)
            {
                return null;
            }

            return Page(_count, limit);
        }
    }

    /// <summary>Messages after <paramref name="afterId"/>, oldest first, up to <paramref name="limit"/>, when the
    /// ring holds all of them (it reaches back to <paramref name="afterId"/>); otherwise null.</summary>
    public HistoryPage? TryTakeAfter(ObjectId afterId, int limit)
    {
        lock (_gate)
        {
            var start = FirstNotBelow(afterId);
            var reachesBack = start > 0 || (_count > 0 && At(0).Message.Id == afterId) || CanAnswerAlone;
            if (!reachesBack)
            {
                return null;
            }

            if (start < _count && At(start).Message.Id == afterId)
            {
                start++;
            }

            var take = Math.Min(limit, _count - start);
            var page = new ChatMessage[take];
            for (var i = 0; i < take; i++)
            {
                page[i] = At(start + i).Message;
            }

            return new HistoryPage(page, start + take < _count);
        }
    }

    /// <summary>The eviction count and the oldest id, read together: every message older than that id was stored
    /// before this call (it left the ring, and only stored messages do).</summary>
    public (long Evictions, ObjectId? OldestId) Watermark()
    {
        lock (_gate)
        {
            return (_evictions, _count > 0 ? At(0).Message.Id : null);
        }
    }

    /// <summary>A copy of everything in the ring, oldest first, with the eviction count at the time.</summary>
    public (ChatMessage[] Messages, long Evictions) Snapshot()
    {
        lock (_gate)
        {
            var all = new ChatMessage[_count];
            for (var i = 0; i < _count; i++)
            {
                all[i] = At(i).Message;
            }

            return (all, _evictions);
        }
    }

    private IEnumerable<string> KeysOf(string sender)
    {
        foreach (var (keySender, clientMsgId) in _byClientId.Keys)
        {
            if (keySender == sender)
            {
                yield return clientMsgId;
            }
        }
    }

    private bool IsSettledLocked()
    {
        for (var i = 0; i < _count; i++)
        {
            if (!At(i).IsCompleted)
            {
                return false;
            }
        }

        return true;
    }

    private void EvictOldest()
    {
        var oldest = At(0);
        if (oldest.Message.ClientMsgId is { } clientMsgId)
        {
            _byClientId.Remove((oldest.Message.Sender, clientMsgId));
        }

        _lastEvictedId = oldest.Message.Id;
        _items[_head] = null!;
        _head = (_head + 1) % _items.Length;
        _count--;
        _evictions++;
    }

    // Logical index (0 = oldest) of the first message whose id is not below `id`; ids are ascending.
    private int FirstNotBelow(ObjectId id)
    {
        int low = 0, high = _count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (At(middle).Message.Id < id)
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

    // The page of up to `limit` messages ending just before logical index `end`.
    private HistoryPage Page(int end, int limit)
    {
        var take = Math.Clamp(limit, 0, end);
        var start = end - take;
        var page = new ChatMessage[take];
        for (var i = 0; i < take; i++)
        {
            page[i] = At(start + i).Message;
        }

        // Without an archive, evicted messages are gone: has_more only promises what can be fetched.
        return new HistoryPage(page, start > 0 || (archived && _completeAt != _evictions));
    }

    // Nothing older exists anywhere else: no archive, or the archive was seen to hold nothing older.
    private bool CanAnswerAlone => !archived || _completeAt == _evictions;

    private PendingMessage At(int logicalIndex) => _items[(_head + logicalIndex) % _items.Length];
}
