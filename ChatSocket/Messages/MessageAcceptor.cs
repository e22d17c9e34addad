using ChatSocket.Connections;
using ChatSocket.Persistence;
using ChatSocket.Rooms;
using Microsoft.Extensions.Options;

namespace ChatSocket.Messages;

/// <summary>
/// The accept path of a chat message, already validated by the protocol layer: membership check, then the room's
/// ordered step (<see cref="Room.TryPublish"/>: resend check, id, timestamp, persistence queue, recent history,
/// fan-out). When the persistence queue is full it waits for room, up to
/// <see cref="PersistenceOptions.EnqueueTimeout"/>, then answers <see cref="AcceptStatus.Overloaded"/>.
/// </summary>
internal sealed class MessageAcceptor(
    RoomRegistry rooms,
    ChatMetrics metrics,
    MessageQueue queue,
    PersistenceMetrics persistenceMetrics,
    IOptions<PersistenceOptions> options)
{
    private readonly MessageQueue? _queue = options.Value.Enabled ? queue : null;
    private readonly TimeSpan _enqueueTimeout = options.Value.EnqueueTimeout;

    public async ValueTask<AcceptResult> AcceptAsync(ChatConnection sender, string roomId, string content, string? clientMsgId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _enqueueTimeout;
        while (true)
        {
            var room = sender.IsIn(roomId) ? rooms.Find(roomId) : null;
            if (room is null)
            {
                return new AcceptResult(AcceptStatus.NotInRoom, null);
            }

            var result = room.TryPublish(sender, content, clientMsgId, _queue);
            if (result.Message is { } pending)
            {
                if (result.IsResend)
                {
                    // Acked with the original's id once that is durable (at once if it already is).
                    if (_queue is not null)
                    {
                        pending.AddAckTarget(sender);
                    }

                    return new AcceptResult(AcceptStatus.Resend, pending.Message);
                }

                metrics.MessageAccepted();
                return new AcceptResult(AcceptStatus.Accepted, pending.Message);
            }

            // The queue is full: wait for room outside the room's lock, then publish again (with a new id, so the
            // room's order stays the order of its ids).
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || !await _queue!.WaitForRoomAsync(remaining, cancellationToken))
            {
                persistenceMetrics.Overloaded();
                return new AcceptResult(AcceptStatus.Overloaded, null);
            }
        }
    }
}
