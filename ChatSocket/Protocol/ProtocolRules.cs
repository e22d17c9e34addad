namespace ChatSocket.Protocol;

/// <summary>Value rules of protocol v1 that do not depend on options.</summary>
internal static class ProtocolRules
{
    /// <summary>Longest <c>room_id</c>.</summary>
    public const int MaxRoomIdLength = 64;

    /// <summary>Longest <c>client_msg_id</c>.</summary>
    public const int MaxClientMsgIdLength = 64;

    /// <summary>Most names a <c>joined</c> frame lists in <c>users</c>; its <c>members</c> count stays exact.</summary>
    public const int MaxJoinedUsers = 100;

    /// <summary><c>room_id</c> matches <c>^[A-Za-z0-9_.:-]{1,64}$</c>.</summary>
    public static bool IsValidRoomId(string? roomId)
    {
        if (roomId is null || roomId.Length is 0 or > MaxRoomIdLength)
        {
            return false;
        }

        foreach (var c in roomId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A user name has 1 to <paramref name="maxLength"/> characters and no control characters.</summary>
    public static bool IsValidUser(string? user, int maxLength)
    {
        if (user is null || user.Length == 0 || user.Length > maxLength || string.IsNullOrWhiteSpace(user))
        {
            return false;
        }

        foreach (var c in user)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
