using System.Buffers;
using System.Threading.Tasks.Sources;

namespace ChatSocket.Connections;

/// <summary>
/// A connection's bounded outbound queue and its single writer. Producers (broadcasts, replies, control frames) only
/// append a pre-encoded frame under a short lock and never wait; the send loop takes every frame queued so far and
/// writes them in one go, so that many frames cost one flush and one system call. When the queue is at capacity the
/// producer gets <see cref="EnqueueResult.Full"/> and decides (the connection closes as a slow consumer).
/// </summary>
internal sealed class Outbox(int capacity, int maxWriteBytes) : IValueTaskSource<bool>
{
    private readonly Lock _gate = new();
    private List<ReadOnlyMemory<byte>> _pending = [];
    private List<ReadOnlyMemory<byte>> _sending = [];
    private ManualResetValueTaskSourceCore<bool> _signal = new() { RunContinuationsAsynchronously = true };
    private bool _waiting;
    private bool _completed;
    private int _pendingUncapped; // of _pending

    /// <summary>Frames queued and not yet taken by the send loop.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Queues a frame unless the queue is full or completed. Never blocks. An <paramref name="uncapped"/>
    /// frame (an ack) neither counts against the capacity nor is refused by it: acks are bounded by the
    /// connection's own messages waiting for the database, and a batch stored after an outage acks many at once.
    /// With <paramref name="deferWake"/> an idle send loop is not woken here: the result says
    /// <see cref="EnqueueResult.QueuedWakeDeferred"/> and the caller must call <see cref="WakeInline"/>.</summary>
    public EnqueueResult TryEnqueue(ReadOnlyMemory<byte> frame, bool uncapped = false, bool deferWake = false)
    {
        bool wake;
        lock (_gate)
        {
            if (_completed)
            {
                return EnqueueResult.Closed;
            }

            if (!uncapped && _pending.Count - _pendingUncapped >= capacity)
            {
                return EnqueueResult.Full;
            }

            _pending.Add(frame);
            if (uncapped)
            {
                _pendingUncapped++;
            }

            wake = _waiting;
            _waiting = false;
        }

        if (!wake)
        {
            return EnqueueResult.Queued;
        }

        if (deferWake)
        {
            return EnqueueResult.QueuedWakeDeferred;
        }

        Signal(inline: false);
        return EnqueueResult.Queued;
    }

    /// <summary>
    /// Wakes the send loop after <see cref="EnqueueResult.QueuedWakeDeferred"/>, running it on this thread up to its
    /// next await (usually: the frames are copied into the transport and flushed). Never call it under a lock.
    /// </summary>
    public void WakeInline() => Signal(inline: true);

    // Only the caller that took _waiting from true to false signals, so the flag is set by one thread at a time.
    private void Signal(bool inline)
    {
        _signal.RunContinuationsAsynchronously = !inline;
        _signal.SetResult(true);
    }

    /// <summary>
    /// Queues a last frame (a close frame) past the capacity and completes the queue. With
    /// <paramref name="discardPending"/> the frames not yet taken are dropped first (a slow consumer will not read
    /// them). Returns false when the queue was already completed.
    /// </summary>
    public bool TryEnqueueLast(ReadOnlyMemory<byte> frame, bool discardPending)
    {
        bool wake;
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }

            if (discardPending)
            {
                _pending.Clear();
                _pendingUncapped = 0;
            }

            _pending.Add(frame);
            _completed = true;
            wake = _waiting;
            _waiting = false;
        }

        if (wake)
        {
            Signal(inline: false);
        }

        return true;
    }

    /// <summary>Accepts nothing more; the send loop ends once what is queued is written.</summary>
    public void Complete() => Complete(discardPending: false);

    /// <summary>
    /// Writes queued frames to <paramref name="stream"/> until the queue is completed and empty, or the token is
    /// cancelled (then what is still queued is dropped). Each round writes everything queued with one flush.
    /// </summary>
    public async Task RunAsync(Stream stream, CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.UnsafeRegister(static state => ((Outbox)state!).Complete(discardPending: true), this);

        // A transport that takes the frames as they are needs no packing copy.
        var gather = stream as IGatherWriter;
        while (true)
        {
            List<ReadOnlyMemory<byte>>? batch = null;
            short version = 0;
            lock (_gate)
            {
                if (_pending.Count > 0)
                {
                    batch = _pending;
                    _pending = _sending;
                    _sending = batch;
                    _pendingUncapped = 0;
                }
                else if (_completed)
                {
                    return;
                }
                else
                {
                    _signal.Reset();
                    version = _signal.Version;
                    _waiting = true;
                }
            }

            if (batch is null)
            {
                await new ValueTask<bool>(this, version);
                continue;
            }

            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (gather is not null)
                {
                    await gather.WriteAsync(batch, cancellationToken);
                }
                else
                {
                    await WriteAsync(stream, batch, cancellationToken);
                }
            }
            finally
            {
                batch.Clear();
            }
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _signal.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _signal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _signal.OnCompleted(continuation, state, token, flags);

    private void Complete(bool discardPending)
    {
        bool wake;
        lock (_gate)
        {
            if (discardPending)
            {
                _pending.Clear();
                _pendingUncapped = 0;
            }

            _completed = true;
            wake = _waiting;
            _waiting = false;
        }

        if (wake)
        {
            Signal(inline: false);
        }
    }

    private async ValueTask WriteAsync(Stream stream, List<ReadOnlyMemory<byte>> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 1)
        {
            await stream.WriteAsync(batch[0], cancellationToken);
            return;
        }

        // Kestrel's upgraded stream flushes on every WriteAsync, so the frames are packed into one pooled buffer
        // (up to maxWriteBytes per write) and written together.
        var total = 0L;
        foreach (var frame in batch)
        {
            total += frame.Length;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(total, maxWriteBytes));
        try
        {
            var used = 0;
            foreach (var frame in batch)
            {
                if (used + frame.Length > buffer.Length && used > 0)
                {
                    await stream.WriteAsync(buffer.AsMemory(0, used), cancellationToken);
                    used = 0;
                }

                if (frame.Length > buffer.Length)
                {
                    await stream.WriteAsync(frame, cancellationToken);
                    continue;
                }

                frame.Span.CopyTo(buffer.AsSpan(used));
                used += frame.Length;
            }

            if (used > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, used), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
