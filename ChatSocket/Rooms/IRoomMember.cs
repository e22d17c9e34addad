namespace ChatSocket.Rooms;

/// <summary>
/// A room's member as the room sees it (a connection implements it): rooms hand it pre-encoded frames and never wait
/// for it, so a room needs nothing else of the connection. Its methods never call back into a room (a room hands
/// frames to its members while it walks its member list in place, <see cref="MemberList"/>).
/// </summary>
internal interface IRoomMember
{
    /// <summary>The user name its messages and presence frames carry.</summary>
    string User { get; }

    /// <summary>Queues a frame; never waits (a member whose queue is full is disconnected, not waited for).</summary>
    void Send(ReadOnlyMemory<byte> frame);

    /// <summary>Queues a broadcast frame but leaves waking an idle send loop to the caller: true means call
    /// <see cref="WakeSendLoop"/> outside any lock (one pass wakes a whole room, see <see cref="SendLoopWakeups"/>).</summary>
    bool SendDeferred(ReadOnlyMemory<byte> frame);

    /// <summary>Runs the idle send loop after <see cref="SendDeferred"/> returned true.</summary>
    void WakeSendLoop();
}
