using ChatSocket.Connections;
using ChatSocket.Rooms;

namespace ChatSocket.Messages;

/// <summary>
/// The accept path of a chat message, already validated by the protocol layer: membership check, then the room's
/// ordered step (<see cref="Room.Publish"/>: id, timestamp, recent history, fan-out). It returns a
/// <see cref="ValueTask{TResult}"/> that completes synchronously today so that the persistence pipeline (#4) can
/// await its bounded channel here (answering <c>overloaded</c> on timeout) without changing callers.
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
