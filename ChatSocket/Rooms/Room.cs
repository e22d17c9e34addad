using ChatSocket.Connections;
using ChatSocket.Messages;
using ChatSocket.Protocol;
using MongoDB.Bson;

namespace ChatSocket.Rooms;

/// <summary>
/// One room's members and its order. A short lock (never held across an await) serialises what must be seen in one
/// order by every member: joins with their history snapshot, leaves, and published messages, whose ids are assigned
/// under it. Fan-out only appends the shared frame to each member's bounded queue.
/// </summary>
internal sealed class Room(string id, InMemoryMessageHistory recent, Action<Room> removeWhenEmpty)
{
    private readonly Lock _gate = new();
    private ChatConnection[] _members = [];
    private bool _removed;
    private DateTime _lastTimestamp;
    private ObjectId _lastId = ObjectId.Empty;

    public string Id { get; } = id;

    public int MemberCount => Volatile.Read(ref _members).Length;

    /// <summary>A snapshot of the members.</summary>
    public IReadOnlyList<ChatConnection> Members => Volatile.Read(ref _members);

    /// <summary>
    /// Adds <paramref name="connection"/>; in the same ordered step it gets <c>joined</c> then <c>history</c> (the
    /// newest <paramref name="history"/> messages), and the other members get a presence frame. Every message
    /// published afterwards reaches it after that history: no gap, no duplicate.
    /// </summary>
    public JoinStatus TryJoin(ChatConnection connection, int history)
    {
        lock (_gate)
        {
            if (_removed)
            {
                return JoinStatus.RoomRemoved;
            }

            var isNew = Array.IndexOf(_members, connection) < 0;
            if (isNew)
            {
                _members = [.. _members, connection];
            }

            connection.Send(ServerFrames.Joined(Id, _members.Length));
            connection.Send(ServerFrames.History(Id, recent.TakeRecent(Id, history)));
            if (isNew)
            {
                BroadcastLocked(ServerFrames.Presence(Id, connection.User, joined: true, _members.Length), except: connection);
            }

            return isNew ? JoinStatus.Joined : JoinStatus.AlreadyMember;
        }
    }

    /// <summary>Removes a member, tells the others, and removes the room from the registry when it empties.</summary>
    public bool TryLeave(ChatConnection connection)
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

    /// <summary>
    /// The ordered step of accepting a message: assigns its id and timestamp, appends it to the recent history and
    /// hands the one encoded frame to every member, all under the room's lock so that every member sees the ids in
    /// order. The persistence pipeline (#4) adds its hand-off here.
    /// </summary>
    public ChatMessage Publish(string sender, string content, string? clientMsgId)
    {
        lock (_gate)
        {
            // Never let time run backwards within a room; ids must keep increasing (MessageIds).
            var now = DateTime.UtcNow;
            var timestamp = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
            if (timestamp < _lastTimestamp)
            {
                timestamp = _lastTimestamp;
            }

            _lastTimestamp = timestamp;
            _lastId = MessageIds.Next(_lastId, timestamp);
            var message = new ChatMessage(_lastId, Id, sender, content, timestamp, clientMsgId);
            recent.Append(message);
            BroadcastLocked(ServerFrames.Message(message), except: null);
            return message;
        }
    }

    private void BroadcastLocked(ReadOnlyMemory<byte> frame, ChatConnection? except)
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
