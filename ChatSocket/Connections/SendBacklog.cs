using System.Diagnostics;

namespace ChatSocket.Connections;

/// <summary>
/// Whether the server is behind on its sends: how many send queues are past their capacity while their clients keep
/// reading (<see cref="Outbox.ServerBehindAllowance"/>). While any is, a connection waits before it handles its next
/// request (at most <see cref="MaxPause"/> a request), so that under overload new messages wait in their senders'
/// sockets, where TCP pushes back on the senders, instead of in every member's queue until readers are cut as slow
/// (issue 11: throughput holds at capacity above it). One per server.
/// </summary>
internal sealed class SendBacklog
{
    /// <summary>The longest a request waits for the server to catch up: a bound, so that a queue that stays behind (its
    /// client stopped reading after it fell behind) delays requests and never stops them; the next frame queued to it
    /// finds its write held and closes it as a slow consumer.</summary>
    public static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(1);

    private int _queuesBehind;

    /// <summary>Whether some send queue is past its capacity.</summary>
    public bool IsBehind => QueuesBehind > 0;

    /// <summary>Send queues past their capacity now.</summary>
    public int QueuesBehind => Volatile.Read(ref _queuesBehind);

    /// <summary>A queue went past its capacity.</summary>
    public void Fell() => Interlocked.Increment(ref _queuesBehind);

    /// <summary>A queue that was past its capacity was taken by its send loop (or dropped).</summary>
    public void CaughtUp() => Interlocked.Decrement(ref _queuesBehind);

    /// <summary>Completes once no queue is behind, or after <see cref="MaxPause"/>; at once when none is.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        // Polled: overload is the only time this waits, and a wake-up per millisecond per waiting sender is cheaper
        // than keeping every connection's waiter in a list the send loops would have to signal.
        var started = Stopwatch.GetTimestamp();
        while (IsBehind && Stopwatch.GetElapsedTime(started) < MaxPause)
        {
            await Task.Delay(Poll, cancellationToken);
        }
    }
}
