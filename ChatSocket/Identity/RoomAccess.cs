namespace ChatSocket.Identity;

/// <summary>
/// The one rule of who may join and read a room, used by the WebSocket's join and history and by the REST API.
/// Without authentication there is no identity and every room is open, direct-message rooms too. With it, a room
/// named <c>dm:&lt;a&gt;:&lt;b&gt;</c> (the two names in ordinal order) is open to users a and b only, whatever
/// their <c>rooms</c> claim; any other room to users whose <c>rooms</c> claim grants it.
/// </summary>
internal static class RoomAccess
{
    /// <summary>The prefix of direct-message rooms.</summary>
    public const string DirectPrefix = "dm:";

    /// <summary>Null when <paramref name="identity"/> may join and read <paramref name="roomId"/>; otherwise why not,
    /// as a sentence for the client.</summary>
    public static string? Refusal(UserIdentity? identity, string roomId)
    {
        if (identity is null)
        {
            return null;
        }

        if (roomId.StartsWith(DirectPrefix, StringComparison.Ordinal))
        {
            return DirectRoomRefusal(identity.Name, roomId);
        }

        return identity.Rooms.Allows(roomId) ? null : $"your token does not grant the room {roomId}";
    }

    private static string? DirectRoomRefusal(string user, string roomId)
    {
        var names = roomId[DirectPrefix.Length..];
        var colon = names.IndexOf(':');
        if (colon <= 0 || colon == names.Length - 1 || names.IndexOf(':', colon + 1) >= 0)
        {
            return $"{roomId} is not a direct-message room: name one as dm:<a>:<b> with the two user names in sorted order";
        }

        var a = names[..colon];
        var b = names[(colon + 1)..];
        if (string.CompareOrdinal(a, b) >= 0)
        {
            return $"{roomId} is not a direct-message room: the two names must be different and in sorted (ordinal) order, dm:{(string.CompareOrdinal(a, b) > 0 ? $"{b}:{a}" : "<a>:<b>")}";
        }

        return user == a || user == b ? null : $"{roomId} is the direct-message room of {a} and {b}";
    }
}
