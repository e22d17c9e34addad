using ChatSocket.History;
using ChatSocket.Messages;
using ChatSocket.Persistence;
using ChatSocket.Rooms;
using Microsoft.Extensions.Options;

namespace ChatSocket.Chat;

/// <summary>
/// The accept path of a chat message, already validated by the protocol layer: membership check, the
/// <c>client_msg_id</c> check, then the room's ordered step (<see cref="Room.TryPublish"/>: id, timestamp,
/// persistence sink, recent history, fan-out). A <c>client_msg_id</c> is recognised the same way whether its
/// original is in memory or only in the database, before anything is broadcast: same content is a resend (acked with
/// the original's id), other content a conflict. When the persistence queue is full it waits for room, up to
/// <see cref="PersistenceOptions.EnqueueTimeout"/>, then answers <see cref="AcceptStatus.Overloaded"/>.
/// </summary>
internal sealed class MessageAcceptor(
    RoomRegistry rooms,
    RecentMessages recent,
    IMessageArchive archive,
    ChatMetrics metrics,
    IMessageSink sink,
    PersistenceMetrics persistenceMetrics,
    IRoomBackplane backplane,
    IOptions<PersistenceOptions> options)
{
    private readonly TimeSpan _enqueueTimeout = options.Value.EnqueueTimeout;
    private readonly TimeSpan _checkTimeout = options.Value.ClientMsgIdCheckTimeout;
    private readonly int _rememberedPerSender = options.Value.RememberedClientMsgIdsPerSender;

    // Remembered keys prove a key new only if every message of a room passes through this node's ring: one node.
    private readonly bool _remember = options.Value.RememberClientMsgIds && !backplane.IsEnabled;

    public async ValueTask<AcceptResult> AcceptAsync(ChatSession sender, string roomId, string content, string? clientMsgId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _enqueueTimeout;
        var checkDeadline = DateTime.UtcNow + _checkTimeout;
        var mayLoad = _remember;
        while (true)
        {
            var room = sender.IsIn(roomId) ? rooms.Find(roomId) : null;
            if (room is null)
            {
                return new AcceptResult(AcceptStatus.NotInRoom, null);
            }

            ClientMsgIdWatermark? checkedAt = null;
            if (clientMsgId is not null && archive.IsDurable)
            {
                var ring = recent.RingOf(roomId);
                var lookup = ring.LookUpClientMsgId(sender.User, clientMsgId, mayLoad);
                if (lookup.Knowledge == KeyKnowledge.LoadFirst)
                {
                    // The sender's first send here: its keys are loaded once (one query), then looked up again.
                    mayLoad = false;
                    if (!await LoadKeysAsync(ring, lookup.Load!, roomId, checkDeadline, cancellationToken))
                    {
                        return new AcceptResult(AcceptStatus.Unavailable, null);
                    }

                    continue;
                }

                if (lookup.Found is null)
                {
                    // Not in memory, and not known to be new: the database is asked before anything is broadcast.
                    if (lookup.Knowledge != KeyKnowledge.New &&
                        await AnswerFromArchiveAsync(sender, roomId, clientMsgId, content, checkDeadline, cancellationToken) is { } answer)
                    {
                        return answer;
                    }

                    checkedAt = lookup.Watermark;
                }
            }

            var result = await room.PublishAsync(sender.Client, content, clientMsgId, sender, checkedAt, cancellationToken);
            switch (result.Status)
            {
                case PublishStatus.Published:
                    metrics.MessageAccepted();
                    return new AcceptResult(AcceptStatus.Accepted, result.Accepted);
                case PublishStatus.BackplaneUnavailable:
                    return new AcceptResult(AcceptStatus.BackplaneUnavailable, null);
                case PublishStatus.OtherNodesOriginal:
                    if (await AdoptAsync(sender, result.Message!, checkDeadline, cancellationToken) is { } adopted)
                    {
                        return adopted;
                    }

                    break;
                case PublishStatus.Resend:
                    // Acked with the original's id once that is durable (at once if it already is).
                    sink.AckWhenStored(result.Message!, sender);

                    return new AcceptResult(AcceptStatus.Resend, result.Message!.Message);
                case PublishStatus.Conflict:
                    return new AcceptResult(AcceptStatus.DuplicateClientMsgId, result.Message!.Message);
                case PublishStatus.Recheck:
                    // A message with this client_msg_id may have been stored and left the ring during the query.
                    continue;
            }

            // The queue is full: wait for room outside the room's lock, then publish again (with a new id, so the
            // room's order stays the order of its ids).
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || !await sink.WaitForRoomAsync(remaining, cancellationToken))
            {
                persistenceMetrics.Overloaded();
                return new AcceptResult(AcceptStatus.Overloaded, null);
            }
        }
    }

    /// <summary>
    /// A resend of a message another node accepted (its sender's node may have died before storing it): acked with
    /// the original's id once it is stored. If the database does not have it yet, this node stores it under the same
    /// id; should its own node store it too, the second insert meets a duplicate of itself, which counts as stored.
    /// Null when the queue is full (the caller waits for room and tries again).
    /// </summary>
    private async Task<AcceptResult?> AdoptAsync(ChatSession sender, PendingMessage original, DateTime checkDeadline, CancellationToken cancellationToken)
    {
        if (await AnswerFromArchiveAsync(sender, original.Message.RoomId, original.Message.ClientMsgId!, original.Message.Content, checkDeadline, cancellationToken) is { } answer)
        {
            return answer;
        }

        var adopted = new PendingMessage(original.Message);
        if (!sink.TryAdd(adopted))
        {
            return null;
        }

        sink.AckWhenStored(adopted, sender);
        return new AcceptResult(AcceptStatus.Resend, original.Message);
    }

    // Loads the sender's keys into the ring's memory; false when the database could not answer in time.
    private async Task<bool> LoadKeysAsync(MessageRing ring, SenderKeys load, string roomId, DateTime deadline, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Max(deadline - DateTime.UtcNow, TimeSpan.FromMilliseconds(100)));
        var completed = false;
        try
        {
            ring.CompleteKeyLoad(load, await archive.ListClientMsgIdsAsync(roomId, load.Sender, _rememberedPerSender, timeout.Token));
            completed = true;
            return true;
        }
        catch (ArchiveUnavailableException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            if (!completed)
            {
                // Nothing half-loaded is trusted: the sender's next send begins again.
                ring.AbortKeyLoad(load);
            }
        }
    }

    // What the database says of a client_msg_id: its stored original (a resend or a conflict), unavailable when it
    // cannot say, or null when the key is new.
    private async Task<AcceptResult?> AnswerFromArchiveAsync(ChatSession sender, string roomId, string clientMsgId, string content, DateTime deadline, CancellationToken cancellationToken)
    {
        ChatMessage? stored;
        try
        {
            stored = await FindStoredAsync(roomId, sender.User, clientMsgId, deadline, cancellationToken);
        }
        catch (ArchiveUnavailableException)
        {
            return new AcceptResult(AcceptStatus.Unavailable, null);
        }

        return stored is null ? null : StoredOriginal(sender, stored, content);
    }

    // The database's answer, or ArchiveUnavailableException past the deadline.
    private async Task<ChatMessage?> FindStoredAsync(string roomId, string sender, string clientMsgId, DateTime deadline, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Max(deadline - DateTime.UtcNow, TimeSpan.FromMilliseconds(100)));
        try
        {
            return await archive.FindByClientMsgIdAsync(roomId, sender, clientMsgId, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ArchiveUnavailableException("the database did not answer in time", ex);
        }
    }

    // The original is stored, so it is durable: a resend is acked at once, a conflict refused.
    private static AcceptResult StoredOriginal(ChatSession sender, ChatMessage stored, string content)
    {
        if (stored.Content != content)
        {
            return new AcceptResult(AcceptStatus.DuplicateClientMsgId, stored);
        }

        var original = new PendingMessage(stored);
        original.Complete(new InsertOutcome(true, stored.Id, null));
        original.AddAckTarget(sender);
        return new AcceptResult(AcceptStatus.Resend, stored);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
