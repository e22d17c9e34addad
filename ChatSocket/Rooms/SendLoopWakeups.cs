using System.Buffers;

namespace ChatSocket.Rooms;

/// <summary>
/// The idle send loops one broadcast has to wake, woken together by one thread-pool work item that runs each loop
/// inline up to its next await (its write), instead of one thread-pool hop per member: at 800k deliveries/s the hops,
/// not the system calls, were the server's largest per-delivery cost (docs/BENCHMARKS.md).
/// </summary>
internal sealed class SendLoopWakeups : IThreadPoolWorkItem
{
    private readonly IRoomMember[] _members;
    private int _count;

    public SendLoopWakeups(int capacity) => _members = ArrayPool<IRoomMember>.Shared.Rent(Math.Max(capacity, 1));

    /// <summary>Adds a member whose <see cref="IRoomMember.SendDeferred"/> returned true.</summary>
    public void Add(IRoomMember member) => _members[_count++] = member;

    /// <summary>Hands the wake-ups to the thread pool (call outside any lock); nothing to do when none is needed.</summary>
    public void Schedule()
    {
        if (_count == 0)
        {
            ArrayPool<IRoomMember>.Shared.Return(_members, clearArray: true);
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public void Execute()
    {
        try
        {
            for (var i = 0; i < _count; i++)
            {
                _members[i].WakeSendLoop();
            }
        }
        finally
        {
            ArrayPool<IRoomMember>.Shared.Return(_members, clearArray: true);
        }
    }
}
