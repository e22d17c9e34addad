using ChatSocket.Protocol;

namespace ChatSocket.Rooms;

/// <summary>
/// The names a room's <c>joined</c> frame lists (each once, at most <see cref="ProtocolRules.MaxJoinedUsers"/>),
/// kept encoded across joins: listing and encoding up to 100 names for every joiner was a visible part of a join
/// storm. The list stays valid while its names are all still members and, when it is shorter than the cap, it holds
/// every member's name: a join adds a new name while there is room, and a leave of a listed name (maybe that
/// user's last connection) makes the next join list the members again.
/// </summary>
/// <para>Not thread-safe: the room calls it under its lock.</para>
internal sealed class JoinedUsers
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private bool _stale = true;
    private byte[]? _encoded;

    /// <summary>A member of <paramref name="user"/> joined (it is in the members passed to the next
    /// <see cref="Encoded"/>).</summary>
    public void Joined(string user)
    {
        if (!_stale && _names.Count < ProtocolRules.MaxJoinedUsers && _names.Add(user))
        {
            _encoded = null;
        }
    }

    /// <summary>A member of <paramref name="user"/> left.</summary>
    public void Left(string user)
    {
        if (_names.Contains(user))
        {
            _stale = true;
        }
    }

    /// <summary>The encoded <c>users</c> array for <paramref name="members"/>, the room's members now.</summary>
    public byte[] Encoded(ReadOnlySpan<IRoomMember> members)
    {
        if (_stale)
        {
            _names.Clear();
            foreach (var member in members)
            {
                if (_names.Count == ProtocolRules.MaxJoinedUsers)
                {
                    break;
                }

                _names.Add(member.User);
            }

            _stale = false;
            _encoded = null;
        }

        return _encoded ??= ServerFrames.JoinedUsers(_names);
    }
}
