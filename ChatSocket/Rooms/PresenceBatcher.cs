using System.Buffers;
using ChatSocket.Protocol;

namespace ChatSocket.Rooms;

/// <summary>
/// A room's joins and leaves on their way to its members, the one owner of the rule in docs/PROTOCOL.md ("Presence
/// during a burst"): every member receives every event that happened after its own join, exactly once and in order,
/// and none from before (its <c>joined</c> count includes those). A quiet room's event goes out at once as today's
/// <c>presence</c> frame; an event within the window after the previous presence frame waits in the batch, which goes
/// out as one frame when the window ends, when it is full, or before the room's next message (the room flushes it
/// under its lock, so presence and messages keep one order).
/// </summary>
/// <para>A big room's window is wider (<see cref="ChatOptions.PresenceDeliveriesPerSecond"/>): each presence frame
/// costs a room one frame per member, so a room of n members waits n / <c>deliveriesPerSecond</c> (at least
/// <c>window</c>, at most <see cref="MaxScale"/> times it) and its batch holds as many times <c>maxEvents</c>. The size is
/// the member count its events carry, taken when a window starts.</para>
/// <para>Not thread-safe: the room calls it under its lock. It owns no timer either: the room arms its own when an
/// event starts a batch (<see cref="PresenceStep.BatchStarted"/>), so that this class is tested without clocks.</para>
internal sealed class PresenceBatcher(string roomId, TimeSpan window, int maxEvents, int deliveriesPerSecond, TimeProvider time)
{
    /// <summary>Most times <c>window</c> (and <c>maxEvents</c>) a big room's window grows: 1 s and 2,000 events with the
    /// defaults, so however big the room no event waits longer than that and a frame holds no more.</summary>
    public const int MaxScale = 20;

    private readonly long _windowTicks = (long)(window.TotalSeconds * time.TimestampFrequency);
    // Members one window's frame may reach within the budget; 0 when windows do not grow.
    private readonly double _membersPerWindow = deliveriesPerSecond * window.TotalSeconds;
    // A batch holds at most maxEvents x _scale events (a full one is flushed at once). Each is kept as it is (for a
    // share of one, sent as a presence frame) and encoded once into _encoded, where _starts says where it begins: the
    // frame of a joiner's share is then a copy of the encoded tail. Allocated by the first batch, grown with the scale.
    private const int RetainedEncodedBytes = 64 * 1024;
    private PresenceEvent[]? _pending;
    private int[]? _starts;
    private ArrayBufferWriter<byte>? _encoded;
    private int _count;
    // The current window's scale (1 to MaxScale), from the room's size when it started.
    private int _scale = 1;
    // Members whose own join is pending, and its index: they get only what follows it. At most one per pending event.
    private readonly Dictionary<IRoomMember, int> _joinedAt = new(ReferenceEqualityComparer.Instance);
    // Until this timestamp a new event waits in a batch instead of going out alone (timestamps are positive: zero is
    // the past, and UntilWindowEnds cannot overflow).
    private long _windowEnds;

    /// <summary>Events waiting for <see cref="Flush"/>.</summary>
    public int Pending => _count;

    /// <summary>How many times <c>window</c> and <c>maxEvents</c> the current window is (1 for a room within the
    /// budget).</summary>
    public int Scale => _scale;

    /// <summary>How long until the current window ends (zero when it has).</summary>
    public TimeSpan UntilWindowEnds
    {
        get
        {
            var left = _windowEnds - time.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(left * TimeSpan.TicksPerSecond / time.TimestampFrequency);
        }
    }

    /// <summary>
    /// Takes an event that the room's other members must hear about; <paramref name="joiner"/> is the member whose join
    /// it is (null for a leave, or a member of another node), which must not hear of it nor of what came before.
    /// </summary>
    public PresenceStep Add(PresenceEvent presence, IRoomMember? joiner)
    {
        var now = time.GetTimestamp();
        if (_count == 0 && (_windowTicks == 0 || now >= _windowEnds))
        {
            StartWindow(now, presence.Members);
            return PresenceStep.SendNow;
        }

        var capacity = maxEvents * _scale;
        if (_pending is null || _pending.Length < capacity)
        {
            Array.Resize(ref _pending, capacity);
            Array.Resize(ref _starts, capacity);
        }

        _encoded ??= new ArrayBufferWriter<byte>(1024);
        if (joiner is not null)
        {
            _joinedAt[joiner] = _count;
        }

        _starts![_count] = _encoded.WrittenCount;
        ServerFrames.AppendPresenceBatchEvent(_encoded, presence);
        _pending[_count++] = presence;
        return _count >= capacity ? PresenceStep.BatchFull : _count == 1 ? PresenceStep.BatchStarted : PresenceStep.Batched;
    }

    /// <summary>A member joined again (it was sent a new <c>joined</c>, whose count has everything pending): from the
    /// batch it gets only what follows.</summary>
    public void JoinedAgain(IRoomMember member)
    {
        if (_count > 0)
        {
            _joinedAt[member] = _count - 1;
        }
    }

    /// <summary>A member left: if its join is pending, it no longer needs the rest of the batch.</summary>
    public void Left(IRoomMember member) => _joinedAt.Remove(member);

    /// <summary>
    /// Sends the pending events to <paramref name="members"/> (queued without waking; the loops to wake are added to
    /// <paramref name="wakeups"/>, which the caller schedules after its lock) and starts a new window. A member gets
    /// one frame: a <c>presence</c> when one event is its share, a <c>presence_batch</c> when more are.
    /// </summary>
    public void Flush(ReadOnlySpan<IRoomMember> members, SendLoopWakeups wakeups)
    {
        if (_count == 0)
        {
            return;
        }

        byte[]? everything = null;
        foreach (var member in members)
        {
            var from = _joinedAt.TryGetValue(member, out var own) ? own + 1 : 0;
            if (from >= _count)
            {
                continue;
            }

            // The members that were there before the batch share one frame; a member that joined during it is the
            // only one whose share starts after its join, so its frame is made for it alone (a copy of the tail).
            var frame = from == 0 ? everything ??= Encode(0) : Encode(from);
            if (member.SendDeferred(frame))
            {
                wakeups.Add(member);
            }
        }

        var roomSize = _pending![_count - 1].Members;
        Clear();
        StartWindow(time.GetTimestamp(), roomSize);
    }

    /// <summary>Drops the pending events: the room has no member left to tell.</summary>
    public void Clear()
    {
        if (_pending is not null)
        {
            Array.Clear(_pending, 0, _count);
        }

        _count = 0;
        _joinedAt.Clear();
        if (_encoded is { Capacity: > RetainedEncodedBytes })
        {
            // A batch of long names should not pin its buffer in the room for good.
            _encoded = null;
        }
        else
        {
            _encoded?.ResetWrittenCount();
        }
    }

    // A window starts (an event sent at once, or a batch flushed) in a room of this many members: until it ends, new
    // events wait. Its length and its batch's size grow with the room (see the class's remarks).
    private void StartWindow(long now, int members)
    {
        _scale = _membersPerWindow <= 0 ? 1 : (int)Math.Clamp(Math.Ceiling(members / _membersPerWindow), 1, MaxScale);
        _windowEnds = now + (_windowTicks * _scale);
    }

    private byte[] Encode(int from)
    {
        if (_count - from == 1)
        {
            // One event is today's presence frame, byte for byte, with the count it had then.
            var single = _pending![from];
            return ServerFrames.Presence(roomId, single.User, single.Joined, single.Members);
        }

        return ServerFrames.PresenceBatch(roomId, _encoded!.WrittenSpan[_starts![from]..], _pending![_count - 1].Members);
    }
}
