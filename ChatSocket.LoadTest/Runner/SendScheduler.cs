using System.Diagnostics;

namespace ChatSocket.LoadTest.Runner;

/// <summary>
/// Open-loop pacing: message i of a step is due at start + i / rate, whatever happened to earlier ones; sending never
/// waits for the server (a sender's frames queue up in its connection), so a slow server shows up as latency instead
/// of silently lowering the rate. Each message carries the time it was handed to its connection; how late that was
/// against its schedule (the generator's own timer and CPU) is reported separately as the send lag, so the latency
/// figures are the server's and the transport's, not the ~1 ms granularity of the generator's timer. Messages go
/// round-robin over the senders, one room after another. Wakes every millisecond and sends what has come due; only
/// this loop writes the send-side counters.
/// </summary>
internal sealed class SendScheduler
{
    private readonly LoadClient[] _senders;
    private readonly RunState _state;
    private long _expected;
    private long _drops;

    /// <summary>Creates the scheduler over the senders among <paramref name="clients"/>.</summary>
    public SendScheduler(RunState state, IEnumerable<LoadClient> clients)
    {
        _state = state;
        // Interleave rooms so that consecutive messages go to different rooms.
        _senders = [.. clients.Where(c => c.SenderId >= 0).OrderBy(c => c.SenderId % state.Options.SendersPerRoom).ThenBy(c => c.Room)];
    }

    /// <summary>Senders that are connected.</summary>
    public int Senders => _senders.Length;

    /// <summary>Deliveries expected so far: for each message sent, the members its room had at that moment.</summary>
    public long Expected => Volatile.Read(ref _expected);

    /// <summary>Messages not sent because the sender's backlog was full or its connection had ended.</summary>
    public long Drops => Volatile.Read(ref _drops);

    /// <summary>Sends at <paramref name="rate"/> messages/s for <paramref name="warmup"/> + <paramref name="duration"/>;
    /// calls <paramref name="onMeasureStart"/> once the warm-up is over. Returns the largest send lag seen after the
    /// warm-up, in milliseconds.</summary>
    public async Task<double> RunAsync(double rate, TimeSpan warmup, TimeSpan duration, Action onMeasureStart, CancellationToken cancellationToken)
    {
        if (_senders.Length == 0)
        {
            onMeasureStart();
            await Task.Delay(duration, cancellationToken);
            return 0;
        }

        var frequency = (double)Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp();
        var measureAt = start + (long)(warmup.TotalSeconds * frequency);
        var endAt = measureAt + (long)(duration.TotalSeconds * frequency);
        var total = (long)Math.Round((warmup + duration).TotalSeconds * rate);
        var measuring = warmup <= TimeSpan.Zero;
        if (measuring)
        {
            onMeasureStart();
        }

        long next = 0;
        long maxLag = 0;
        var senderIndex = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        while (next < total && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var now = Stopwatch.GetTimestamp();
            if (!measuring && now >= measureAt)
            {
                measuring = true;
                onMeasureStart();
            }

            var due = Math.Min(total, (long)((now - start) / frequency * rate) + 1);
            for (; next < due; next++)
            {
                var scheduled = start + (long)(next / rate * frequency);
                if (measuring)
                {
                    maxLag = Math.Max(maxLag, now - scheduled);
                }

                var sender = _senders[senderIndex];
                senderIndex = senderIndex + 1 == _senders.Length ? 0 : senderIndex + 1;
                if (sender.Loop is { IsCompleted: false } && sender.SendNext(now))
                {
                    Volatile.Write(ref _expected, _expected + _state.LiveMembers(sender.Room));
                }
                else
                {
                    Volatile.Write(ref _drops, _drops + 1);
                }
            }

            if (now >= endAt)
            {
                break;
            }
        }

        if (!measuring)
        {
            onMeasureStart();
        }

        return maxLag * 1000.0 / frequency;
    }
}
