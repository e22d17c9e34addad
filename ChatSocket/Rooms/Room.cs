using ChatSocket.History;
using ChatSocket.Messages;
using ChatSocket.Persistence;
using ChatSocket.Protocol;
using MongoDB.Bson;

namespace ChatSocket.Rooms;

/// <summary>
/// One room's members and its order. A short lock (never held across an await) serialises what must be seen in one
/// order by every member: joins with their history snapshot, leaves, and published messages, whose ids are assigned
/// under it. Fan-out only appends the shared frame to each member's bounded queue.
/// </summary>
internal sealed class Room(string id, RecentMessages recent, MessageHistory history, IMessageSink sink, Action<Room> removeWhenEmpty)
{
    private readonly Lock _gate = new();
    private IRoomMember[] _members = [];
    private bool _removed;
    private DateTime _lastTimestamp;
    private ObjectId _lastId = ObjectId.Empty;

    public string Id { get; } = id;

    public int MemberCount => Volatile.Read(ref _members).Length;

    /// <summary>
    /// Adds <paramref name="connection"/>; in the same ordered step it gets <c>joined</c> then <c>history</c>, and the
    /// other members get a presence frame. Every message published afterwards reaches it after that history
    /// (<see cref="MessageHistory.TryPageForJoin"/>). When the in-memory ring cannot answer alone, this returns
    /// <see cref="JoinStatus.NeedsArchive"/> and the caller fetches the archive's part first (no I/O under the lock),
    /// then calls again with it.
    /// </summary>
    public JoinStatus TryJoin(IRoomMember connection, JoinRequest request)
    {
        lock (_gate)
        {
            if (_removed)
            {
                return JoinStatus.RoomRemoved;
            }

            var page = history.TryPageForJoin(Id, request);
            if (page is null)
            {
                return JoinStatus.NeedsArchive;
            }

            var isNew = Array.IndexOf(_members, connection) < 0;
            if (isNew)
            {
                _members = [.. _members, connection];
            }

            connection.Send(ServerFrames.Joined(Id, _members.Length, DistinctUsersLocked()));
            connection.Send(ServerFrames.History(Id, page));
            if (isNew)
            {
                BroadcastLocked(ServerFrames.Presence(Id, connection.User, joined: true, _members.Length), except: connection);
            }

            return isNew ? JoinStatus.Joined : JoinStatus.AlreadyMember;
        }
    }

    // Under the lock: the names a joined frame lists, each once (one person may have several tabs).
    private HashSet<string> DistinctUsersLocked()
    {
        var users = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in _members)
        {
            if (users.Count == ProtocolRules.MaxJoinedUsers)
            {
                break;
            }

            users.Add(member.User);
        }

        return users;
    }

    /// <summary>Removes a member, tells the others, and removes the room from the registry when it empties.</summary>
    public bool TryLeave(IRoomMember connection)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_members, connection);
            if (index < 0)
            {
                return false;
            }

            _members = [.. _members.AsSpan(0, index), .. _members.AsSpan(index + 1)];
            if (_members.Length == 0)
            {
                // Removed under the lock so that a concurrent join sees _removed and retries on a fresh room.
                _removed = true;
                removeWhenEmpty(this);
            }
            else
            {
                BroadcastLocked(ServerFrames.Presence(Id, connection.User, joined: false, _members.Length), except: null);
            }

            return true;
        }
    }

    /// <summary>Removes the room from the registry if it has no member, e.g. after a join that created it failed to
    /// read the archive: an empty room would otherwise stay registered for good.</summary>
    public void RemoveIfEmpty()
    {
        lock (_gate)
        {
            if (!_removed && _members.Length == 0)
            {
                _removed = true;
                removeWhenEmpty(this);
            }
        }
    }

    /// <summary>
    /// The ordered step of accepting a message: assigns its id and timestamp, hands it to the persistence sink,
    /// appends it to the recent history and hands the one encoded frame to every member, all under the room's lock
    /// so that every member sees the ids in order. A <c>client_msg_id</c> the sender already used is not published
    /// again: the result is the original (a resend, or a conflict when the content differs). When the database was
    /// asked about the <c>client_msg_id</c> first, <paramref name="checkedAt"/> is the ring's state before that
    /// query: if a message with it could have left the ring since, nothing happens and the caller asks again.
    /// <paramref name="ackTo"/> hears when the message is durable.
    /// </summary>
    public PublishResult TryPublish(IRoomMember sender, string content, string? clientMsgId, IAckTarget ackTo, ClientMsgIdWatermark? checkedAt)
    {
        SendLoopWakeups? wakeups = null;
        try
        {
            lock (_gate)
            {
                return PublishLocked(sender, content, clientMsgId, ackTo, checkedAt, ref wakeups);
            }
        }
        finally
        {
            // Whatever happened after the frames were queued, the loops left idle must be woken, or they would stall.
            wakeups?.Schedule();
        }
    }

    private PublishResult PublishLocked(IRoomMember sender, string content, string? clientMsgId, IAckTarget ackTo, ClientMsgIdWatermark? checkedAt, ref SendLoopWakeups? wakeups)
    {
        var ring = recent.RingOf(Id);
        if (clientMsgId is not null)
        {
            if (ring.FindByClientMsgId(sender.User, clientMsgId) is { } original)
            {
                return new PublishResult(original.Message.Content == content ? PublishStatus.Resend : PublishStatus.Conflict, original);
            }

            if (checkedAt is { } watermark && !ring.StillHoldsEverythingSince(watermark))
            {
                return new PublishResult(PublishStatus.Recheck, null);
            }
        }

        // Never let time run backwards within a room; ids must keep increasing (MessageIds).
        var now = DateTime.UtcNow;
        var timestamp = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        if (timestamp < _lastTimestamp)
        {
            timestamp = _lastTimestamp;
        }

        // Ids only grow within a room (MessageIds), also across a re-created room: the ring outlives it.
        var previous = ring.NewestId > _lastId ? ring.NewestId : _lastId;
        var message = new ChatMessage(MessageIds.Next(previous, timestamp), Id, sender.User, content, timestamp, clientMsgId);
        var pending = new PendingMessage(message);
        if (!sink.TryAdd(pending))
        {
            return new PublishResult(PublishStatus.QueueFull, null);
        }

        _lastTimestamp = timestamp;
        _lastId = message.Id;
        while (!ring.Append(pending))
        {
            // The ring was dropped (all of it stored) after we got it: the message goes to the room's new one.
            ring = recent.RingOf(Id);
        }

        // The one frame is queued to every member now, in id order; idle send loops are woken after the lock, by one
        // work item for the whole room.
        var frame = ServerFrames.Message(message);
        wakeups = new SendLoopWakeups(_members.Length);
        foreach (var member in _members)
        {
            if (member.SendDeferred(frame))
            {
                wakeups.Add(member);
            }
        }

        // After the broadcast, so the sender gets its message before its ack even when the writer is faster.
        sink.AckWhenStored(pending, ackTo);

        return new PublishResult(PublishStatus.Published, pending);
    }

    private void BroadcastLocked(ReadOnlyMemory<byte> frame, IRoomMember? except)
    {
        foreach (var member in _members)
        {
            if (!ReferenceEquals(member, except))
            {
                member.Send(frame);
            }
        }
    }
}
