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
/// <para>With a backplane (<see cref="IRoomBackplane.IsEnabled"/>) the backplane issues the ids instead, and every
/// message, this node's own included, enters the ring and reaches the members only when the backplane delivers it
/// (<see cref="OnPublished"/>): one order on every node, each message once.</para>
internal sealed class Room(string id, RecentMessages recent, MessageHistory history, IMessageSink sink, IRoomBackplane backplane, PresenceBatching presenceBatching, Action<Room> removeWhenEmpty)
    : IBackplaneRoom
{
    // Own messages between the script's reply and their delivery; more than this (a subscription that stopped
    // delivering) and the settled ones are acked without waiting for their delivery.
    private const int MaxOwnInFlight = 4096;

    // Other nodes counted in a room; a report of a node beyond this is ignored (its members are not counted).
    private const int MaxOtherNodes = 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<ObjectId, OwnMessage> _own = [];
    // Sends of a client_msg_id from the ring check until the message is in the ring (it enters it only when it is
    // delivered back, after the backplane's reply): a second send of the same one meanwhile waits for this one instead
    // of publishing it again. The result is the published message, or null when it was not published.
    private readonly Dictionary<(string Sender, string ClientMsgId), Task<PendingMessage?>> _publishing = [];
    private readonly MemberList _members = new();
    private bool _removed;
    private DateTime _lastTimestamp;
    private ObjectId _lastId = ObjectId.Empty;
    private Task? _subscribing;
    private IDisposable? _subscription;
    // With a backplane: the other live nodes' member counts in this room, and their sum.
    private readonly Dictionary<string, NodeMembers> _otherNodes = new(StringComparer.Ordinal);
    private int _otherMembers;
    private readonly PresenceBatcher _presence = presenceBatching.CreateBatcher(id);
    // Flushes a batch of presence events when its window ends; created by the first batch, disposed with the room.
    private ITimer? _presenceTimer;
    private readonly JoinHistoryFrame _historyFrame = new(id);
    private readonly JoinedUsers _users = new();

    public string Id { get; } = id;

    /// <summary>This node's members.</summary>
    public int MemberCount => _members.Count;

    /// <summary>The members of every live node, this one's included (this node's alone without a backplane).</summary>
    public int ClusterMemberCount => MemberCount + Volatile.Read(ref _otherMembers);

    int IBackplaneRoom.LocalMemberCount => MemberCount;

    /// <summary>
    /// Adds <paramref name="connection"/>; in the same ordered step it gets <c>joined</c> then <c>history</c>, and the
    /// other members hear of it (at once, or in a batch during a burst: <see cref="PresenceBatcher"/>). Every message published afterwards reaches it after that history
    /// (<see cref="MessageHistory.TryPageForJoin"/>). When the in-memory ring cannot answer alone, this returns
    /// <see cref="JoinStatus.NeedsArchive"/> and the caller fetches the archive's part first (no I/O under the lock),
    /// then calls again with it.
    /// </summary>
    public JoinStatus TryJoin(IRoomMember connection, JoinRequest request)
    {
        SendLoopWakeups? wakeups = null;
        try
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

                var isNew = _members.IndexOf(connection) < 0;
                if (isNew)
                {
                    _members.Add(connection);
                    _users.Joined(connection.User);
                }

                connection.Send(ServerFrames.Joined(Id, _members.Count + _otherMembers, _users.Encoded(_members.Span)));
                connection.Send(_historyFrame.For(page, recovered: request.Since is null ? null : !page.HasMore));
                if (isNew)
                {
                    wakeups = PresenceLocked(new PresenceEvent(connection.User, Joined: true, _members.Count + _otherMembers), joiner: connection);
                    backplane.MembersChanged(Id, connection.User, joined: true, _members.Count);
                }
                else
                {
                    _presence.JoinedAgain(connection);
                }

                return isNew ? JoinStatus.Joined : JoinStatus.AlreadyMember;
            }
        }
        finally
        {
            wakeups?.Schedule();
        }
    }

    // Under the lock: tells the other members of a join or leave, now (a quiet room) or in the pending batch. Returns
    // the send loops to wake after the lock when a full batch went out.
    private SendLoopWakeups? PresenceLocked(PresenceEvent presence, IRoomMember? joiner)
    {
        if (_members.Count == (joiner is null ? 0 : 1))
        {
            // Nobody else here to tell (a batch cannot be pending either: the room is removed when it empties).
            return null;
        }

        switch (_presence.Add(presence, joiner))
        {
            case PresenceStep.SendNow:
                BroadcastLocked(ServerFrames.Presence(Id, presence.User, presence.Joined, presence.Members), except: joiner);
                return null;
            case PresenceStep.BatchStarted:
                if (_presenceTimer is null)
                {
                    // The room outlives the connection whose join armed it: its timer must not hold that one's context.
                    using (ExecutionContext.SuppressFlow())
                    {
                        _presenceTimer = presenceBatching.Time.CreateTimer(static room => ((Room)room!).FlushPresenceWhenDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    }
                }

                _presenceTimer.Change(_presence.UntilWindowEnds, Timeout.InfiniteTimeSpan);
                return null;
            case PresenceStep.BatchFull:
                var wakeups = new SendLoopWakeups(_members.Count);
                _presence.Flush(_members.Span, wakeups);
                return wakeups;
            default:
                return null;
        }
    }

    // The timer's callback: the window of the pending batch ended.
    private void FlushPresenceWhenDue()
    {
        SendLoopWakeups? wakeups = null;
        try
        {
            lock (_gate)
            {
                if (!_removed && _presence.Pending > 0)
                {
                    wakeups = new SendLoopWakeups(_members.Count);
                    _presence.Flush(_members.Span, wakeups);
                }
            }
        }
        finally
        {
            wakeups?.Schedule();
        }
    }

    /// <summary>Removes a member, tells the others, and removes the room from the registry when it empties.</summary>
    public bool TryLeave(IRoomMember connection)
    {
        SendLoopWakeups? wakeups = null;
        try
        {
            lock (_gate)
            {
                var index = _members.IndexOf(connection);
                if (index < 0)
                {
                    return false;
                }

                _members.RemoveAt(index);
                _users.Left(connection.User);
                _presence.Left(connection);
                backplane.MembersChanged(Id, connection.User, joined: false, _members.Count);
                if (_members.Count == 0)
                {
                    // Removed under the lock so that a concurrent join sees _removed and retries on a fresh room.
                    RemoveLocked();
                }
                else
                {
                    wakeups = PresenceLocked(new PresenceEvent(connection.User, Joined: false, _members.Count + _otherMembers), joiner: null);
                }

                return true;
            }
        }
        finally
        {
            wakeups?.Schedule();
        }
    }

    private void RemoveLocked()
    {
        _removed = true;
        removeWhenEmpty(this);

        // Nobody is left to hear a pending batch; a callback already running finds the room removed.
        _presence.Clear();
        _presenceTimer?.Dispose();
        _presenceTimer = null;

        // The node listens only for rooms it has members in. Unsubscribing queues the command and returns.
        if (backplane.IsEnabled)
        {
            _subscription?.Dispose();
            _subscription = null;

            // Unheard from now on, the ring would serve stale history: it goes once all of it is stored.
            recent.Forget(Id);
        }
    }

    /// <summary>
    /// With a backplane: returns once the room's channel is subscribed and the messages published before are in the
    /// ring, so a join's history and the live stream that follows it meet without a gap. Joins of one room share one
    /// subscription; a failed one is tried again by the next join. Throws <see cref="BackplaneUnavailableException"/>.
    /// </summary>
    public Task EnsureSubscribedAsync(CancellationToken cancellationToken)
    {
        if (!backplane.IsEnabled)
        {
            return Task.CompletedTask;
        }

        Task subscribing;
        lock (_gate)
        {
            if (_removed)
            {
                // The join sees the removal and retries on a new room.
                return Task.CompletedTask;
            }

            if (_subscribing is null || _subscribing.IsFaulted || _subscribing.IsCanceled)
            {
                _subscribing = SubscribeAsync();
            }

            subscribing = _subscribing;
        }

        return subscribing.WaitAsync(cancellationToken);
    }

    // Not cancelled by one joiner: others may wait for it too; the backplane bounds it with its own timeout.
    private async Task SubscribeAsync()
    {
        var subscription = await backplane.SubscribeAsync(Id, this, CancellationToken.None);
        lock (_gate)
        {
            if (!_removed)
            {
                _subscription = subscription;
                return;
            }
        }

        subscription.Dispose();
    }

    /// <summary>The recent messages the backplane holds: those newer than the ring's newest go into the ring and to the
    /// members (none yet when the room subscribes; after a reconnect, what the members missed meanwhile).</summary>
    public void CatchUp(IReadOnlyList<BackplaneDelivery> published)
    {
        var wakeups = new List<SendLoopWakeups>();
        try
        {
            lock (_gate)
            {
                var ring = published.Count > 0 ? recent.RingOf(Id) : null;
                if (ring is not null && ring.NewestId != ObjectId.Empty && published[0].Message.Id > ring.NewestId)
                {
                    // The backplane's recent messages do not reach back to the ring's newest: messages published while
                    // this node did not listen may be missing from the ring. A settled ring is dropped (the archive has
                    // all of it); one still holding unstored messages of this node stays (docs/SCALING.md).
                    recent.Forget(Id);
                }

                foreach (var delivery in published)
                {
                    if (DeliverLocked(delivery, broadcast: _members.Count > 0) is { } delivered)
                    {
                        wakeups.Add(delivered);
                    }
                }
            }
        }
        finally
        {
            // Idle send loops are woken after the lock, as for a live message.
            foreach (var delivered in wakeups)
            {
                delivered.Schedule();
            }
        }
    }

    /// <summary>One message the backplane delivered: into the ring and to every member, in id order.</summary>
    public void OnPublished(BackplaneDelivery delivery)
    {
        SendLoopWakeups? wakeups = null;
        try
        {
            lock (_gate)
            {
                if (!_removed)
                {
                    wakeups = DeliverLocked(delivery, broadcast: true);
                }
            }
        }
        finally
        {
            wakeups?.Schedule();
        }
    }

    /// <summary>A member of another node joined or left: its node's count is updated (unless a newer report came
    /// first) and the local members get the presence frame with the room's count across the nodes.</summary>
    public void OnPresence(PresenceDelivery presence)
    {
        SendLoopWakeups? wakeups = null;
        try
        {
            lock (_gate)
            {
                if (_removed)
                {
                    return;
                }

                // The same batching as local events, in the order they arrive: each node's own order is kept.
                UpdateOtherNodeLocked(presence.NodeId, new NodeMembers(presence.NodeCount, presence.Version));
                wakeups = PresenceLocked(new PresenceEvent(presence.User, presence.Joined, _members.Count + _otherMembers), joiner: null);
            }
        }
        finally
        {
            wakeups?.Schedule();
        }
    }

    /// <summary>The other live nodes' counts: nodes no longer live leave the count (no presence frame: their members'
    /// names are not known here; the next <c>joined</c> or <c>presence</c> carries the new count).</summary>
    public void RemoteMembers(IReadOnlyDictionary<string, NodeMembers> liveNodes)
    {
        lock (_gate)
        {
            foreach (var gone in _otherNodes.Keys.Where(node => !liveNodes.ContainsKey(node)).ToList())
            {
                _otherNodes.Remove(gone);
            }

            foreach (var (node, members) in liveNodes)
            {
                UpdateOtherNodeLocked(node, members);
            }

            Volatile.Write(ref _otherMembers, _otherNodes.Values.Sum(members => members.Count));
        }
    }

    private void UpdateOtherNodeLocked(string node, NodeMembers members)
    {
        if (_otherNodes.TryGetValue(node, out var known) ? known.Version >= members.Version : _otherNodes.Count >= MaxOtherNodes)
        {
            // Older than what this room knows (reports cross: an event and a heartbeat's read), or one node too many.
            return;
        }

        // Zero counts stay too, so that an older report cannot bring a node's departed members back; entries go when
        // their node is no longer live.
        _otherNodes[node] = members;
        Volatile.Write(ref _otherMembers, _otherNodes.Values.Sum(m => m.Count));
    }

    private SendLoopWakeups? DeliverLocked(BackplaneDelivery delivery, bool broadcast)
    {
        var message = delivery.Message;
        var ring = recent.RingOf(Id);
        if (message.Id <= ring.NewestId)
        {
            // Already here: the catch-up and the live stream overlap by a few messages.
            return null;
        }

        OwnMessage? own = null;
        var pending = delivery.FromThisNode ? (own = OwnLocked(message)).Pending : PendingMessage.ForAnotherNode(message);
        while (!ring.Append(pending))
        {
            ring = recent.RingOf(Id);
        }

        SendLoopWakeups? wakeups = null;
        if (broadcast)
        {
            var frame = ServerFrames.Message(message);
            wakeups = new SendLoopWakeups(_members.Count);

            // Presence that happened before the message reaches every member before it.
            _presence.Flush(_members.Span, wakeups);
            foreach (var member in _members.Span)
            {
                if (member.SendDeferred(frame))
                {
                    wakeups.Add(member);
                }
            }
        }

        if (own is not null)
        {
            own.Delivered = true;
            if (message.ClientMsgId is { } clientMsgId)
            {
                // In the ring now: later sends of it find it there.
                _publishing.Remove((message.Sender, clientMsgId));
            }

            if (own.AckTo is { } ackTo)
            {
                _own.Remove(message.Id);
                sink.AckWhenStored(own.Pending, ackTo);
            }
        }

        return wakeups;
    }

    /// <summary>
    /// The backplane issued and published this node's message: it goes to the sink now (if its delivery has not
    /// already put it there), and the sender is acked once it is stored and delivered here. Returns its one
    /// <see cref="PendingMessage"/>.
    /// </summary>
    public PendingMessage AcceptedByBackplane(ChatMessage message, IAckTarget ackTo)
    {
        lock (_gate)
        {
            var own = OwnLocked(message);
            if (own.Delivered)
            {
                _own.Remove(message.Id);
                sink.AckWhenStored(own.Pending, ackTo);
            }
            else
            {
                own.AckTo = ackTo;
            }

            return own.Pending;
        }
    }

    // The one PendingMessage of an own message, created and handed to the sink by whichever event comes first.
    private OwnMessage OwnLocked(ChatMessage message)
    {
        if (_own.TryGetValue(message.Id, out var own))
        {
            return own;
        }

        if (_own.Count >= MaxOwnInFlight)
        {
            ForgetSettledOwnLocked();
        }

        own = new OwnMessage(new PendingMessage(message));
        if (!sink.TryAdd(own.Pending))
        {
            // Published already (the sender waited for room first, so this is a race with other senders): it cannot
            // be stored; the sender hears store_failed, and the ring may let it go.
            own.Pending.Complete(new InsertOutcome(false, message.Id, "the persistence queue was full when the message was published"));
        }

        _own[message.Id] = own;
        return own;
    }

    private void ForgetSettledOwnLocked()
    {
        foreach (var (messageId, own) in _own.Where(pair => pair.Value.Pending.IsCompleted).ToList())
        {
            _own.Remove(messageId);
            if (own.AckTo is { } ackTo)
            {
                sink.AckWhenStored(own.Pending, ackTo);
            }
        }
    }

    /// <summary>Removes the room from the registry if it has no member, e.g. after a join that created it failed to
    /// read the archive: an empty room would otherwise stay registered for good.</summary>
    public void RemoveIfEmpty()
    {
        lock (_gate)
        {
            if (!_removed && _members.Count == 0)
            {
                RemoveLocked();
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

    /// <summary>
    /// Publishes a message: <see cref="TryPublish"/> on a single node; with a backplane, the same
    /// <c>client_msg_id</c> checks, then the backplane issues the id and publishes it, and the message reaches the
    /// members when it is delivered back (<see cref="OnPublished"/>). A message of another node found by its
    /// <c>client_msg_id</c> is <see cref="PublishStatus.OtherNodesOriginal"/>: only the database knows if it is stored.
    /// </summary>
    public async ValueTask<PublishResult> PublishAsync(IRoomMember sender, string content, string? clientMsgId, IAckTarget ackTo, ClientMsgIdWatermark? checkedAt, CancellationToken cancellationToken)
    {
        if (!backplane.IsEnabled)
        {
            return TryPublish(sender, content, clientMsgId, ackTo, checkedAt);
        }

        ObjectId floor;
        Task<PendingMessage?>? busy = null;
        TaskCompletionSource<PendingMessage?>? mine = null;
        lock (_gate)
        {
            var ring = recent.RingOf(Id);
            if (CheckClientMsgIdLocked(ring, sender, content, clientMsgId, checkedAt) is { } known)
            {
                return known.Message is { IsOtherNodes: true } && known.Status == PublishStatus.Resend
                    ? known with { Status = PublishStatus.OtherNodesOriginal }
                    : known;
            }

            if (clientMsgId is not null && !_publishing.TryGetValue((sender.User, clientMsgId), out busy))
            {
                mine = new TaskCompletionSource<PendingMessage?>(TaskCreationOptions.RunContinuationsAsynchronously);
                _publishing[(sender.User, clientMsgId)] = mine.Task;
            }

            floor = ring.NewestId;
        }

        if (busy is not null)
        {
            // The same client_msg_id is being published by another send (bounded by the backplane's timeout): this
            // one is its resend, or a conflict; if that one was not published, this one is checked again.
            var original = await busy.WaitAsync(cancellationToken);
            return original is null
                ? new PublishResult(PublishStatus.Recheck, null)
                : new PublishResult(original.Message.Content == content ? PublishStatus.Resend : PublishStatus.Conflict, original);
        }

        PendingMessage? published = null;
        try
        {
            // A published message must find room in the queue: wait for it before, not after.
            if (!sink.HasRoom)
            {
                return new PublishResult(PublishStatus.QueueFull, null);
            }

            ChatMessage issued;
            try
            {
                issued = await backplane.PublishAsync(Id, sender.User, content, clientMsgId, floor, cancellationToken);
            }
            catch (BackplaneUnavailableException)
            {
                return new PublishResult(PublishStatus.BackplaneUnavailable, null);
            }

            published = AcceptedByBackplane(issued, ackTo);
            return new PublishResult(PublishStatus.Published, null, issued);
        }
        finally
        {
            if (mine is not null)
            {
                lock (_gate)
                {
                    // Published but not delivered yet: the ring does not know it, so the entry stays until
                    // DeliverLocked puts it there.
                    if (published is null || recent.RingOf(Id).FindByClientMsgId(sender.User, clientMsgId!) is not null)
                    {
                        _publishing.Remove((sender.User, clientMsgId!));
                    }
                }

                mine.SetResult(published);
            }
        }
    }

    // The original when the sender already used this client_msg_id, or Recheck; null when it is new.
    private static PublishResult? CheckClientMsgIdLocked(MessageRing ring, IRoomMember sender, string content, string? clientMsgId, ClientMsgIdWatermark? checkedAt)
    {
        if (clientMsgId is null)
        {
            return null;
        }

        if (ring.FindByClientMsgId(sender.User, clientMsgId) is { } original)
        {
            return new PublishResult(original.Message.Content == content ? PublishStatus.Resend : PublishStatus.Conflict, original);
        }

        return checkedAt is { } watermark && !ring.StillHoldsEverythingSince(watermark) ? new PublishResult(PublishStatus.Recheck, null) : null;
    }

    private PublishResult PublishLocked(IRoomMember sender, string content, string? clientMsgId, IAckTarget ackTo, ClientMsgIdWatermark? checkedAt, ref SendLoopWakeups? wakeups)
    {
        var ring = recent.RingOf(Id);
        if (CheckClientMsgIdLocked(ring, sender, content, clientMsgId, checkedAt) is { } known)
        {
            return known;
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
        wakeups = new SendLoopWakeups(_members.Count);

        // Presence that happened before the message reaches every member before it. A member's loop is added to the
        // wake-ups once at most: after its first deferred frame, the next ones find it already signalled.
        _presence.Flush(_members.Span, wakeups);
        foreach (var member in _members.Span)
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
        foreach (var member in _members.Span)
        {
            if (!ReferenceEquals(member, except))
            {
                member.Send(frame);
            }
        }
    }
}
