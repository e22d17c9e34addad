using ChatSocket.Connections;
using ChatSocket.Rooms;

namespace ChatSocket.Messages;

/// <summary>
/// The accept path of a chat message, already validated by the protocol layer: membership check, then the room's
/// ordered step (<see cref="Room.Publish"/>: id, timestamp, recent history, fan-out, all under the room's lock).
/// It returns a <see cref="ValueTask{TResult}"/> that completes synchronously today so that persistence (#4) can wait
/// here without changing callers. TODO(#4): inside the room's ordered step, hand the message to the bounded
/// persistence channel with TryWrite before the fan-out (so stored order = id order = delivery order); when the
/// channel is full, leave the lock without broadcasting, await the channel's WaitToWriteAsync here with the
/// configured timeout and retry (a retry assigns a fresh id), or answer <c>overloaded</c> on timeout. Idempotent
/// resends (same sender, room and client_msg_id) are checked here before the ordered step.
/// </summary>
internal sealed class MessageAcceptor(RoomRegistry rooms, ChatMetrics metrics)
{
    public ValueTask<AcceptResult> AcceptAsync(ChatConnection sender, string roomId, string content, string? clientMsgId, CancellationToken cancellationToken)
    {
        var room = sender.IsIn(roomId) ? rooms.Find(roomId) : null;
        if (room is null)
        {
            return ValueTask.FromResult(new AcceptResult(AcceptStatus.NotInRoom, null));
        }

        var message = room.Publish(sender.User, content, clientMsgId);
        metrics.MessageAccepted();
        return ValueTask.FromResult(new AcceptResult(AcceptStatus.Accepted, message));
    }
}
