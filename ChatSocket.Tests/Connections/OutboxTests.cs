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
    public async Task Frames_queued_before_the_send_loop_runs_go_out_in_one_write()
    {
        var outbox = new Outbox(capacity: 100, maxWriteBytes: 1024);
        var stream = new RecordingStream();
        for (byte i = 0; i < 10; i++)
        {
            outbox.TryEnqueue(new[] { i, i });
        }

        outbox.Complete();
        await outbox.RunAsync(stream, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stream.Writes, Has.Count.EqualTo(1));
        Assert.That(stream.Writes[0], Is.EqualTo(Enumerable.Range(0, 10).SelectMany(i => new[] { (byte)i, (byte)i })));
    }

    [Test]
    public async Task A_deferred_wake_leaves_the_idle_send_loop_parked_until_WakeInline_runs_it_on_the_caller()
    {
        var outbox = new Outbox(capacity: 100, maxWriteBytes: 1024);
        var stream = new RecordingStream();
        var loop = outbox.RunAsync(stream, CancellationToken.None);
        // The loop is parked on an empty queue: the first deferred frame hands its wake-up to the caller.
        Assert.That(outbox.TryEnqueue(new byte[] { 1 }, deferWake: true), Is.EqualTo(EnqueueResult.QueuedWakeDeferred));
        Assert.That(outbox.TryEnqueue(new byte[] { 2 }, deferWake: true), Is.EqualTo(EnqueueResult.Queued), "one wake-up per idle period");
        Assert.That(outbox.TryEnqueue(new byte[] { 3 }), Is.EqualTo(EnqueueResult.Queued), "no second signal either");
        Assert.That(stream.Writes, Is.Empty, "nothing written before the wake-up");

        outbox.WakeInline();
        outbox.Complete();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stream.Writes.SelectMany(w => w), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(stream.Writes, Has.Count.EqualTo(1), "the three frames went out in the one write of the inline pass");
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
        await outbox.RunAsync(stream, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

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
        await outbox.RunAsync(stream, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stream.Writes.SelectMany(w => w), Is.EqualTo(new byte[] { 9 }));
    }

    [Test]
    public async Task The_send_loop_waits_for_frames_and_ends_when_cancelled()
    {
        var outbox = new Outbox(capacity: 10, maxWriteBytes: 1024);
        var stream = new RecordingStream();
        using var cancellation = new CancellationTokenSource();
        var loop = outbox.RunAsync(stream, cancellation.Token);

        outbox.TryEnqueue(new byte[] { 7 });
        await stream.FirstWrite.WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(stream.Writes[0], Is.EqualTo(new byte[] { 7 }));
    }

    /// <summary>A write-only stream that records each write, to count how many writes a batch takes.</summary>
    private sealed class RecordingStream : Stream
    {
        private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<byte[]> Writes { get; } = [];

        public Task FirstWrite => _firstWrite.Task;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.ToArray());
            _firstWrite.TrySetResult();
            return ValueTask.CompletedTask;
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
