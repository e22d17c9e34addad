using ChatSocket.Connections;

namespace ChatSocket.Tests.Connections;

[TestFixture]
public sealed class OutboxTests
{
    [Test]
    public void A_full_queue_refuses_the_next_frame()
    {
        var outbox = new Outbox(capacity: 2, maxWriteBytes: 1024);

        Assert.That(outbox.TryEnqueue(new byte[1]), Is.EqualTo(EnqueueResult.Queued));
        Assert.That(outbox.TryEnqueue(new byte[1]), Is.EqualTo(EnqueueResult.Queued));
        Assert.That(outbox.TryEnqueue(new byte[1]), Is.EqualTo(EnqueueResult.Full));
    }

    [Test]
    public async Task Frames_queued_before_the_outbox_opens_go_out_in_one_write()
    {
        var outbox = new Outbox(capacity: 100, maxWriteBytes: 1024);
        var stream = new RecordingStream();
        for (byte i = 0; i < 10; i++)
        {
            outbox.TryEnqueue(new[] { i, i });
        }

        outbox.Complete();
        outbox.Open(stream, NoAbort, CancellationToken.None);
        await outbox.WhenStopped().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stream.Writes, Has.Count.EqualTo(1));
        Assert.That(stream.Writes[0], Is.EqualTo(Enumerable.Range(0, 10).SelectMany(i => new[] { (byte)i, (byte)i })));
    }

    [Test]
    public void A_deferred_wake_leaves_the_send_loop_unstarted_until_WakeInline_runs_it_on_the_caller()
    {
        var outbox = new Outbox(capacity: 100, maxWriteBytes: 1024);
        var stream = new RecordingStream();
        outbox.Open(stream, NoAbort, CancellationToken.None);

        // The outbox is idle: the first deferred frame hands the start of its send loop to the caller.
        Assert.That(outbox.TryEnqueue(new byte[] { 1 }, deferWake: true), Is.EqualTo(EnqueueResult.QueuedWakeDeferred));
        Assert.That(outbox.TryEnqueue(new byte[] { 2 }, deferWake: true), Is.EqualTo(EnqueueResult.Queued), "one wake-up per idle period");
        Assert.That(outbox.TryEnqueue(new byte[] { 3 }), Is.EqualTo(EnqueueResult.Queued), "no second start either");
        Assert.That(stream.Writes, Is.Empty, "nothing written before the wake-up");

        outbox.WakeInline();

        Assert.That(stream.Writes, Has.Count.EqualTo(1), "the three frames went out in the one write of the inline pass");
        Assert.That(stream.Writes[0], Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(outbox.WhenStopped().IsCompleted, Is.True, "the loop stopped on the empty queue");
    }

    [Test]
    public async Task A_batch_larger_than_the_write_limit_is_split_without_reordering()
    {
        var outbox = new Outbox(capacity: 100, maxWriteBytes: 1024);
        var stream = new RecordingStream();
        for (var i = 0; i < 5; i++)
        {
            outbox.TryEnqueue(Enumerable.Repeat((byte)i, 400).ToArray());
        }

        outbox.Complete();
        outbox.Open(stream, NoAbort, CancellationToken.None);
        await outbox.WhenStopped().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stream.Writes.Select(w => w.Length), Is.EqualTo(new[] { 800, 800, 400 }));
        Assert.That(stream.Writes.SelectMany(w => w), Is.EqualTo(Enumerable.Range(0, 5).SelectMany(i => Enumerable.Repeat((byte)i, 400))));
    }

    [Test]
    public async Task The_last_frame_can_replace_what_is_queued_and_nothing_is_accepted_after_it()
    {
        var outbox = new Outbox(capacity: 2, maxWriteBytes: 1024);
        var stream = new RecordingStream();
        outbox.TryEnqueue(new byte[] { 1 });
        outbox.TryEnqueue(new byte[] { 2 });

        Assert.That(outbox.TryEnqueueLast(new byte[] { 9 }, discardPending: true), Is.True);
        Assert.That(outbox.TryEnqueue(new byte[] { 3 }), Is.EqualTo(EnqueueResult.Closed));
        outbox.Open(stream, NoAbort, CancellationToken.None);
        await outbox.WhenStopped().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stream.Writes.SelectMany(w => w), Is.EqualTo(new byte[] { 9 }));
    }

    [Test]
    public async Task The_send_loop_starts_when_a_frame_is_queued_and_again_after_it_drained()
    {
        var outbox = new Outbox(capacity: 10, maxWriteBytes: 1024);
        var stream = new RecordingStream(asynchronous: true);
        outbox.Open(stream, NoAbort, CancellationToken.None);
        Assert.That(outbox.WhenStopped().IsCompleted, Is.True, "nothing queued: no loop");

        for (byte round = 1; round <= 3; round++)
        {
            Assert.That(outbox.TryEnqueue(new[] { round }), Is.EqualTo(EnqueueResult.Queued));
            await WaitUntilAsync(() => stream.Writes.Count == round);
            await outbox.WhenStopped().WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.That(stream.Writes.SelectMany(w => w), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(outbox.Count, Is.Zero);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Frames_from_concurrent_producers_all_go_out_once_in_each_producers_order_by_one_writer(bool asynchronousWrites)
    {
        const int Producers = 4;
        const int FramesEach = 5_000;
        var outbox = new Outbox(capacity: Producers * FramesEach, maxWriteBytes: 64 * 1024);
        var stream = new RecordingStream(asynchronousWrites);
        outbox.Open(stream, NoAbort, CancellationToken.None);

        // Each producer queues in bursts with pauses, so that the loop both stops on an empty queue and is started
        // again, and runs while frames keep coming; half the frames are deferred wake-ups run inline.
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(producer => Task.Run(async () =>
        {
            for (var i = 0; i < FramesEach; i++)
            {
                var frame = new byte[] { (byte)producer, (byte)(i >> 16), (byte)(i >> 8), (byte)i };
                var deferred = i % 2 == 0;
                var result = outbox.TryEnqueue(frame, deferWake: deferred);
                if (result == EnqueueResult.QueuedWakeDeferred)
                {
                    outbox.WakeInline();
                }
                else
                {
                    Assert.That(result, Is.EqualTo(EnqueueResult.Queued));
                }

                if (i % 100 == 0)
                {
                    await Task.Yield();
                }
            }
        }))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That(outbox.TryEnqueueLast(new byte[] { 0xFF }, discardPending: false), Is.True);
        await outbox.WhenStopped().WaitAsync(TimeSpan.FromSeconds(30));

        var bytes = stream.Writes.SelectMany(w => w).ToArray();
        Assert.That(stream.Overlapped, Is.False, "one writer at a time");
        Assert.That(bytes, Has.Length.EqualTo((Producers * FramesEach * 4) + 1), "every frame written once");
        Assert.That(bytes[^1], Is.EqualTo(0xFF), "the last frame last");
        var next = new int[Producers];
        for (var offset = 0; offset < bytes.Length - 1; offset += 4)
        {
            var producer = bytes[offset];
            var index = (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
            Assert.That(index, Is.EqualTo(next[producer]), $"producer {producer}'s frames in order");
            next[producer]++;
        }
    }

    [Test]
    public async Task A_close_frame_queued_while_producers_run_is_the_last_frame_written()
    {
        var outbox = new Outbox(capacity: 1_000_000, maxWriteBytes: 1024);
        var stream = new RecordingStream(asynchronous: true);
        outbox.Open(stream, NoAbort, CancellationToken.None);
        var producers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (outbox.TryEnqueue(new byte[] { 1 }) == EnqueueResult.Queued)
            {
                await Task.Yield();
            }
        })).ToArray();

        await WaitUntilAsync(() => stream.Writes.Count >= 10);
        Assert.That(outbox.TryEnqueueLast(new byte[] { 9 }, discardPending: false), Is.True);
        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(10));
        await outbox.WhenStopped().WaitAsync(TimeSpan.FromSeconds(10));

        var bytes = stream.Writes.SelectMany(w => w).ToArray();
        Assert.That(bytes[^1], Is.EqualTo(9));
        Assert.That(bytes[..^1], Is.All.EqualTo(1));
    }

    [Test]
    public async Task A_full_queue_stays_full_while_a_write_is_held_and_refuses_the_next_frame()
    {
        var outbox = new Outbox(capacity: 3, maxWriteBytes: 1024);
        var stream = new RecordingStream(holdWrites: true);
        outbox.Open(stream, NoAbort, CancellationToken.None);

        // The first frame is taken by the loop and held in its write; three more fill the queue.
        Assert.That(outbox.TryEnqueue(new byte[] { 0 }), Is.EqualTo(EnqueueResult.Queued));
        await stream.FirstWrite.WaitAsync(TimeSpan.FromSeconds(10));
        for (byte i = 1; i <= 3; i++)
        {
            Assert.That(outbox.TryEnqueue(new[] { i }), Is.EqualTo(EnqueueResult.Queued));
        }

        Assert.That(outbox.TryEnqueue(new byte[] { 4 }), Is.EqualTo(EnqueueResult.Full));
        Assert.That(outbox.TryEnqueueLast(new byte[] { 9 }, discardPending: true), Is.True);
        stream.Release();
        await outbox.WhenStopped().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stream.Writes.SelectMany(w => w), Is.EqualTo(new byte[] { 0, 9 }));
    }

    [Test]
    public void A_queue_past_its_capacity_behind_a_send_loop_that_has_not_run_is_the_servers_delay_not_a_slow_client()
    {
        const int capacity = 3;

        // No write waits for the client, so the queue takes frames up to its allowance before it is full.
        var outbox = OpenWithFirstFrameWaitingForTheLoop(capacity, backlog: null, out var stream);
        var allowance = capacity * Outbox.ServerBehindAllowance;
        for (var i = 1; i < allowance; i++)
        {
            Assert.That(outbox.TryEnqueue(new[] { (byte)i }), Is.EqualTo(EnqueueResult.Queued), $"frame {i}");
        }

        Assert.That(outbox.TryEnqueue(new byte[] { 99 }), Is.EqualTo(EnqueueResult.Full), "the allowance is a bound too");

        outbox.WakeInline();

        Assert.That(stream.Writes.SelectMany(w => w), Is.EqualTo(Enumerable.Range(0, allowance).Select(i => (byte)i)), "every frame queued, in order");
    }

    [Test]
    public void A_queue_past_its_capacity_counts_in_the_backlog_until_its_send_loop_takes_it()
    {
        var backlog = new SendBacklog();
        var outbox = OpenWithFirstFrameWaitingForTheLoop(capacity: 2, backlog, out var stream);

        Assert.That(outbox.TryEnqueue(new byte[] { 1 }), Is.EqualTo(EnqueueResult.Queued));
        Assert.That(backlog.IsBehind, Is.False, "at its capacity, not past it");
        Assert.That(outbox.TryEnqueue(new byte[] { 2 }), Is.EqualTo(EnqueueResult.Queued));
        Assert.That(outbox.TryEnqueue(new byte[] { 3 }), Is.EqualTo(EnqueueResult.Queued));
        Assert.That(backlog.QueuesBehind, Is.EqualTo(1), "counted once however far past");
        Assert.That(outbox.TryEnqueue(new byte[] { 4 }, uncapped: true), Is.EqualTo(EnqueueResult.Queued), "an ack");

        outbox.WakeInline();

        Assert.That(backlog.IsBehind, Is.False, "the send loop took the queue");
        Assert.That(stream.Writes.SelectMany(w => w), Is.EqualTo(new byte[] { 0, 1, 2, 3, 4 }));
    }

    [Test]
    public void A_queue_past_its_capacity_that_is_dropped_leaves_the_backlog()
    {
        var backlog = new SendBacklog();
        var outbox = OpenWithFirstFrameWaitingForTheLoop(capacity: 1, backlog, out var stream);
        Assert.That(outbox.TryEnqueue(new byte[] { 1 }), Is.EqualTo(EnqueueResult.Queued));
        Assert.That(backlog.IsBehind, Is.True);

        Assert.That(outbox.TryEnqueueLast(new byte[] { 9 }, discardPending: true), Is.True);

        Assert.That(backlog.IsBehind, Is.False);
        outbox.WakeInline();
        Assert.That(stream.Writes.SelectMany(w => w), Is.EqualTo(new byte[] { 9 }));
    }

    [Test]
    public async Task A_failed_write_stops_the_loop_drops_the_queue_and_aborts_the_transport()
    {
        var outbox = new Outbox(capacity: 10, maxWriteBytes: 1024);
        var stream = new RecordingStream(failWrites: true);
        var aborted = 0;
        outbox.Open(stream, () => Interlocked.Increment(ref aborted), CancellationToken.None);

        outbox.TryEnqueue(new byte[] { 1 });
        await outbox.WhenStopped().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(outbox.Fault, Is.InstanceOf<IOException>());
        Assert.That(aborted, Is.EqualTo(1));
        Assert.That(outbox.IsCompleted, Is.True);
        Assert.That(outbox.TryEnqueue(new byte[] { 2 }), Is.EqualTo(EnqueueResult.Closed));
    }

    [Test]
    public async Task Queue_lists_reused_after_a_failed_write_carry_none_of_its_frames_to_other_connections()
    {
        // Three frames in the batch whose write fails: the lists go back to the shared pool when the loop stops.
        var failed = new Outbox(capacity: 10, maxWriteBytes: 1024);
        for (byte i = 1; i <= 3; i++)
        {
            failed.TryEnqueue(new byte[] { 0xEE, i });
        }

        failed.Open(new RecordingStream(failWrites: true), NoAbort, CancellationToken.None);
        await failed.WhenStopped().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(failed.Fault, Is.InstanceOf<IOException>());

        // Enough outboxes, one after another, to rent every list the pool can hold, each sending one frame of its own.
        for (var n = 0; n <= Outbox.MaxPooledLists; n++)
        {
            var outbox = new Outbox(capacity: 10, maxWriteBytes: 1024);
            var stream = new RecordingStream();
            outbox.Open(stream, NoAbort, CancellationToken.None);
            Assert.That(outbox.TryEnqueue(new byte[] { 7 }, deferWake: true), Is.EqualTo(EnqueueResult.QueuedWakeDeferred));
            outbox.WakeInline();

            Assert.That(stream.Writes.SelectMany(w => w), Is.EqualTo(new byte[] { 7 }), $"outbox {n} wrote another connection's frames");
        }
    }

    [Test]
    public async Task After_its_token_is_cancelled_a_queued_frame_is_not_written_and_the_transport_is_aborted()
    {
        var outbox = new Outbox(capacity: 10, maxWriteBytes: 1024);
        var stream = new RecordingStream();
        using var cancellation = new CancellationTokenSource();
        var aborted = 0;
        outbox.Open(stream, () => Interlocked.Increment(ref aborted), cancellation.Token);

        outbox.TryEnqueue(new byte[] { 7 });
        await stream.FirstWrite.WaitAsync(TimeSpan.FromSeconds(10));
        await outbox.WhenStopped().WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();
        outbox.TryEnqueue(new byte[] { 8 });
        await outbox.WhenStopped().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stream.Writes.SelectMany(w => w), Is.EqualTo(new byte[] { 7 }));
        Assert.That(outbox.Fault, Is.InstanceOf<OperationCanceledException>());
        Assert.That(aborted, Is.EqualTo(1));
    }

    private static void NoAbort()
    {
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the condition did not hold within 10 s");
            await Task.Delay(5);
        }
    }

    // An open outbox whose frame 0 waits for a send loop that is started but has not run (its wake-up deferred, as
    // under overload it waits for a thread); WakeInline runs it.
    private static Outbox OpenWithFirstFrameWaitingForTheLoop(int capacity, SendBacklog? backlog, out RecordingStream stream)
    {
        var outbox = new Outbox(capacity, maxWriteBytes: 1024, backlog);
        stream = new RecordingStream();
        outbox.Open(stream, NoAbort, CancellationToken.None);
        Assert.That(outbox.TryEnqueue(new byte[] { 0 }, deferWake: true), Is.EqualTo(EnqueueResult.QueuedWakeDeferred));
        return outbox;
    }

    /// <summary>A write-only stream that records each write (to count how many writes a batch takes) and how many ran
    /// at once; its writes can complete later (on the thread pool), wait for <see cref="Release"/>, or fail.</summary>
    private sealed class RecordingStream(bool asynchronous = false, bool holdWrites = false, bool failWrites = false) : Stream
    {
        private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private readonly List<byte[]> _writes = [];
        private int _writing;
        private volatile bool _overlapped;

        public IReadOnlyList<byte[]> Writes
        {
            get
            {
                lock (_gate)
                {
                    return [.. _writes];
                }
            }
        }

        /// <summary>Whether a write started while another was running.</summary>
        public bool Overlapped => _overlapped;

        public Task FirstWrite => _firstWrite.Task;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Release() => _released.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _writing) > 1)
            {
                _overlapped = true;
            }

            try
            {
                if (failWrites)
                {
                    throw new IOException("the peer went away");
                }

                lock (_gate)
                {
                    _writes.Add(buffer.ToArray());
                }

                _firstWrite.TrySetResult();
                if (holdWrites)
                {
                    await _released.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                }
                else if (asynchronous)
                {
                    await Task.Yield();
                }
            }
            finally
            {
                Interlocked.Decrement(ref _writing);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
