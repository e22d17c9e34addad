namespace ChatSocket.Backplane;

/// <summary>A change of this node's members in a room, waiting for <see cref="RedisPresence"/>'s loop.</summary>
internal readonly record struct PresenceChange(string RoomId, string User, bool Joined, int LocalCount);
