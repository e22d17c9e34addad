namespace ChatSocket.Rooms;

/// <summary>
/// A room's members in join order, in an array that grows by doubling and is changed in place. The room used to
/// copy the whole array on every join and leave (copy-on-write), which a join storm's profile showed: 2,000 joins
/// copied two million references. Only the count is read outside the room's lock, and a member never calls back
/// into the room while the room walks the list (<see cref="IRoomMember"/>), so nothing needs the snapshots.
/// </summary>
/// <para>Not thread-safe except <see cref="Count"/>: the room changes and reads it under its lock.</para>
internal sealed class MemberList
{
    private const int MinCapacity = 4;

    private IRoomMember[] _items = [];
    private int _count;

    /// <summary>The number of members; may be read without the room's lock.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The members; valid until the next change.</summary>
    public ReadOnlySpan<IRoomMember> Span => _items.AsSpan(0, _count);

    public void Add(IRoomMember member)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, Math.Max(MinCapacity, _items.Length * 2));
        }

        _items[_count] = member;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Where <paramref name="member"/> is, or -1. Compared by reference: Array.IndexOf called the
    /// interface's Equals for each member, a virtual call per member that every join and leave paid.</summary>
    public int IndexOf(IRoomMember member)
    {
        var members = Span;
        for (var i = 0; i < members.Length; i++)
        {
            if (ReferenceEquals(members[i], member))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Removes the member at <paramref name="index"/>, keeping the others' order.</summary>
    public void RemoveAt(int index)
    {
        var last = _count - 1;
        Array.Copy(_items, index + 1, _items, index, last - index);

        // The departed connection must not stay reachable from the room.
        _items[last] = null!;
        Volatile.Write(ref _count, last);
        if (_items.Length > MinCapacity && last < _items.Length / 4)
        {
            // A room that emptied after a storm gives the big array back.
            Array.Resize(ref _items, Math.Max(MinCapacity, _items.Length / 2));
        }
    }
}
