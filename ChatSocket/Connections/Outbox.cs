using System.Buffers;

namespace ChatSocket.Connections;

/// <summary>
/// A connection's bounded outbound queue and its single writer. Producers (broadcasts, replies, control frames) only
/// append a pre-encoded frame under a short lock and never wait; the send loop takes every frame queued so far and
/// writes them in one go, so that many frames cost one flush and one system call. When the queue is at capacity the
/// producer gets <see cref="EnqueueResult.Full"/> and decides (the connection closes as a slow consumer).
/// <para>
/// Full means the client is slow, not the server: the capacity holds while a write to the client is in progress,
/// which is mostly one waiting for its socket (the kernel buffer is full: the client is not reading). When the queue
/// grew only because the send loop has not run yet (a server behind under overload), it takes up to
/// <see cref="ServerBehindAllowance"/> times its capacity before it is full (issue 11: at an offered rate above
/// capacity, clients that were reading were cut).
/// </para>
/// <para>
/// The send loop exists only while there is something to write (issue 11: an idle connection keeps no parked loop,
/// no queue lists, no cancellation registration). The producer that queues a frame to an idle, open outbox becomes
/// the one that starts it (on the thread pool, or inline with <see cref="WakeInline"/>); it runs until the queue is
/// empty, continuing itself after a write that completes later. The loop's state (<c>_running</c>) changes only under
/// the lock, so there is one writer at a time, frames go out in queue order, and a frame queued while the loop stops
/// starts a new one.
/// </para>
/// </summary>
internal sealed class Outbox(int capacity, int maxWriteBytes, SendBacklog? backlog = null) : IThreadPoolWorkItem
{
    /// <summary>How many times its capacity a queue may hold while its client keeps reading (see the class).</summary>
    public const int ServerBehindAllowance = 4;

    /// <summary>Queue lists kept for reuse across all outboxes (see <see cref="Lists"/>).</summary>
    public const int MaxPooledLists = 1_024;

    /// <summary>A list a burst grew past this many frames is let go when its loop stops, not pooled.</summary>
    public const int MaxPooledListCapacity = 64;

    // A running send loop holds two lists; an idle outbox none. At low rates every delivery starts and stops a loop,
    // and a new pair of lists per start was most of what a delivery allocated (issue 11): stopped loops give theirs
    // back here, emptied, so that no frame stays referenced.
    private static readonly BoundedPool<List<ReadOnlyMemory<byte>>> Lists = new(MaxPooledLists);

    // The lock is the outbox itself, which only its connection holds: a separate lock object would cost every idle
    // connection 40 bytes (issue 11).
    private List<ReadOnlyMemory<byte>>? _pending; // null when nothing is queued and no loop runs
    private List<ReadOnlyMemory<byte>>? _batch; // the loop's: the batch being written, then the next pending list
    private int _pendingUncapped; // of _pending
    private bool _completed;
    private bool _running; // a send loop is started (or its start is handed to a producer) and not yet stopped
    private Stream? _stream; // null until Open: frames wait
    private IGatherWriter? _gather;
    private Action? _abortTransport;
    private CancellationToken _cancellationToken;
    private ValueTask _write; // a write that did not complete at once; the loop continues when it does
    private volatile bool _writing; // a write is in progress or waiting for the client's socket
    private bool _pastCapacity; // counted in the backlog: the queue went past its capacity and was not taken since
    private TaskCompletionSource? _stopped; // created by WhenStopped while a loop runs
    private Exception? _fault;

    /// <summary>The server's send backlog this queue counts in, if any.</summary>
    public SendBacklog? Backlog => backlog;

    /// <summary>Frames queued and not yet taken by the send loop.</summary>
    public int Count
    {
        get
        {
            lock (this)
            {
                return _pending?.Count ?? 0;
            }
        }
    }

    /// <summary>Whether the queue takes no more frames (a last frame was queued, it was completed, or a write
    /// failed).</summary>
    public bool IsCompleted => Volatile.Read(ref _completed);

    /// <summary>Why the send loop stopped early: the exception of the write that failed, null when none did.</summary>
    public Exception? Fault
    {
        get
        {
            lock (this)
            {
                return _fault;
            }
        }
    }

    /// <summary>
    /// Starts writing to <paramref name="stream"/>: what is already queued goes out now, on this thread, up to the
    /// first write that does not complete at once. A failed write drops what is queued, completes the queue and calls
    /// <paramref name="abortTransport"/> (a failed send ends its connection). <paramref name="cancellationToken"/>
    /// cancels the writes.
    /// </summary>
    public void Open(Stream stream, Action abortTransport, CancellationToken cancellationToken)
    {
        lock (this)
        {
            _stream = stream;

            // A transport that takes the frames as they are needs no packing copy.
            _gather = stream as IGatherWriter;
            _abortTransport = abortTransport;
            _cancellationToken = cancellationToken;
            if (!TryStartLocked())
            {
                return;
            }
        }

        Run();
    }

    /// <summary>Queues a frame unless the queue is full or completed. Never blocks. An <paramref name="uncapped"/>
    /// frame (an ack) neither counts against the capacity nor is refused by it: acks are bounded by the
    /// connection's own messages waiting for the database, and a batch stored after an outage acks many at once.
    /// With <paramref name="deferWake"/> an idle send loop is not started here: the result says
    /// <see cref="EnqueueResult.QueuedWakeDeferred"/> and the caller must call <see cref="WakeInline"/>.</summary>
    public EnqueueResult TryEnqueue(ReadOnlyMemory<byte> frame, bool uncapped = false, bool deferWake = false)
    {
        lock (this)
        {
            if (_completed)
            {
                return EnqueueResult.Closed;
            }

            if (!uncapped && IsFullLocked((_pending?.Count ?? 0) - _pendingUncapped))
            {
                return EnqueueResult.Full;
            }

            (_pending ??= RentList()).Add(frame);
            if (uncapped)
            {
                _pendingUncapped++;
            }
            else if (!_pastCapacity && _pending.Count - _pendingUncapped > capacity)
            {
                _pastCapacity = true;
                backlog?.Fell();
            }

            if (!TryStartLocked())
            {
                return EnqueueResult.Queued;
            }
        }

        if (deferWake)
        {
            return EnqueueResult.QueuedWakeDeferred;
        }

        StartOnThreadPool();
        return EnqueueResult.Queued;
    }

    /// <summary>
    /// Starts the send loop after <see cref="EnqueueResult.QueuedWakeDeferred"/>, running it on this thread up to its
    /// first write that does not complete at once. Never call it under a lock.
    /// </summary>
    public void WakeInline() => Run();

    /// <summary>
    /// Queues a last frame (a close frame) past the capacity and completes the queue. With
    /// <paramref name="discardPending"/> the frames not yet taken are dropped first (a slow consumer will not read
    /// them). Returns false when the queue was already completed.
    /// </summary>
    public bool TryEnqueueLast(ReadOnlyMemory<byte> frame, bool discardPending)
    {
        lock (this)
        {
            if (_completed)
            {
                return false;
            }

            if (discardPending)
            {
                _pending?.Clear();
                _pendingUncapped = 0;
                CaughtUpLocked();
            }

            (_pending ??= RentList()).Add(frame);
            _completed = true;
            if (!TryStartLocked())
            {
                return true;
            }
        }

        StartOnThreadPool();
        return true;
    }

    /// <summary>Accepts nothing more; a running send loop stops once what is queued is written.</summary>
    public void Complete()
    {
        lock (this)
        {
            _completed = true;
        }
    }

    /// <summary>Completes when no send loop runs: at once when none does, else when the running one stops (its
    /// queue written, or a write failed).</summary>
    public Task WhenStopped()
    {
        lock (this)
        {
            return _running ? (_stopped ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task : Task.CompletedTask;
        }
    }

    void IThreadPoolWorkItem.Execute() => Run();

    // Under the lock. Past the capacity, a client is slow while a write to it is in progress (mostly one waiting for
    // its socket); otherwise the queue waits for a send loop that has not run yet (an open outbox with frames queued
    // always has one started): the server's delay. Not open yet: the capacity holds.
    private bool IsFullLocked(int queued) =>
        queued >= capacity && (queued >= (long)capacity * ServerBehindAllowance || _stream is null || _writing);

    // Under the lock: whether the caller must start the send loop (frames wait, the outbox is open, none runs).
    private bool TryStartLocked()
    {
        if (_running || _stream is null || _pending is not { Count: > 0 })
        {
            return false;
        }

        _running = true;
        return true;
    }

    // As an awaited continuation would (the thread-pool item is the outbox itself: nothing is allocated per start).
    private void StartOnThreadPool() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);

    // The send loop: writes batch after batch until the queue is empty. A write that does not complete at once
    // continues the loop when it does (OnWritten), so nothing waits on a thread and nothing is parked while idle.
    private void Run()
    {
        while (true)
        {
            List<ReadOnlyMemory<byte>> batch;
            lock (this)
            {
                if (_pending is not { Count: > 0 })
                {
                    StopLocked();
                    break;
                }

                batch = _pending;
                _pending = _batch;
                _batch = batch;
                _pendingUncapped = 0;
                CaughtUpLocked();
            }

            ValueTask write;
            try
            {
                _cancellationToken.ThrowIfCancellationRequested();
                _writing = true;
                write = _gather is not null ? _gather.WriteAsync(batch, _cancellationToken) : WriteAsync(_stream!, batch, _cancellationToken);
                if (!write.IsCompleted)
                {
                    _write = write;
                    write.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnWritten);
                    return;
                }

                write.GetAwaiter().GetResult();
                _writing = false;
            }
            catch (Exception ex)
            {
                // Whatever failed (the peer went away, the connection was aborted, a bug), the loop cannot go on: the
                // connection's end reports it (Fault).
                Fail(ex);
                return;
            }

            batch.Clear();
        }

        SignalStopped();
    }

    private void OnWritten()
    {
        var write = _write;
        _write = default;
        _writing = false;
        try
        {
            write.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            // As in Run.
            Fail(ex);
            return;
        }

        _batch!.Clear();
        Run();
    }

    // Under the lock. The lists go back to the pool: an idle connection holds none.
    private void StopLocked()
    {
        CaughtUpLocked();
        _running = false;
        ReturnList(_pending);
        ReturnList(_batch);
        _pending = null;
        _batch = null;
    }

    private static List<ReadOnlyMemory<byte>> RentList() => Lists.TryRent(out var list) ? list : [];

    private static void ReturnList(List<ReadOnlyMemory<byte>>? list)
    {
        if (list is null)
        {
            return;
        }

        list.Clear();
        if (list.Capacity <= MaxPooledListCapacity)
        {
            Lists.TryReturn(list);
        }
    }

    // Under the lock: the queue past its capacity was taken or dropped.
    private void CaughtUpLocked()
    {
        if (_pastCapacity)
        {
            _pastCapacity = false;
            backlog?.CaughtUp();
        }
    }

    private void Fail(Exception exception)
    {
        lock (this)
        {
            _fault = exception;
            _completed = true;
            _pendingUncapped = 0;
            StopLocked();
        }

        _abortTransport?.Invoke();
        SignalStopped();
    }

    private void SignalStopped()
    {
        TaskCompletionSource? stopped;
        lock (this)
        {
            if (_running)
            {
                // A producer started a new loop between the stop and here: that loop signals when it stops.
                return;
            }

            stopped = _stopped;
            _stopped = null;
        }

        stopped?.TrySetResult();
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
