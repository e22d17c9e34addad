using System.Collections.Concurrent;
using System.Diagnostics;
using ChatSocket.LoadTest.Metrics;
using ChatSocket.LoadTest.Options;

namespace ChatSocket.LoadTest.Runner;

/// <summary>What all clients of one run share: the options, the latency recorders, live room sizes, error samples.</summary>
internal sealed class RunState
{
    private const int MaxDistinctErrors = 32;

    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly int[] _liveMembers;

    /// <summary>Creates the shared state for <paramref name="options"/> with <paramref name="rooms"/> rooms.</summary>
    public RunState(LoadOptions options, int rooms)
    {
        Options = options;
        _liveMembers = new int[rooms];
    }

    /// <summary>The run's options.</summary>
    public LoadOptions Options { get; }

    /// <summary>End-to-end delivery latency (send time to receipt).</summary>
    public LatencyStats Deliveries { get; } = new();

    /// <summary>Ack latency (send time to the durable ack).</summary>
    public LatencyStats Acks { get; } = new();

    /// <summary>Stopwatch ticks per microsecond.</summary>
    public static long TicksPerMicro { get; } = Math.Max(1, Stopwatch.Frequency / 1_000_000);

    /// <summary>Name of room number <paramref name="room"/>.</summary>
    public string RoomName(int room) => $"{Options.RoomPrefix}-r{room}";

    /// <summary>Connected members of a room.</summary>
    public int LiveMembers(int room) => Volatile.Read(ref _liveMembers[room]);

    /// <summary>A member of <paramref name="room"/> connected.</summary>
    public void MemberJoined(int room) => Interlocked.Increment(ref _liveMembers[room]);

    /// <summary>A member of <paramref name="room"/> went away.</summary>
    public void MemberLeft(int room) => Interlocked.Decrement(ref _liveMembers[room]);

    /// <summary>Counts an error by a short code (error frame code, close reason, connect failure).</summary>
    public void NoteError(string code)
    {
        var key = _errors.Count < MaxDistinctErrors || _errors.ContainsKey(code) ? code : "other";
        _errors.AddOrUpdate(key, 1, static (_, n) => n + 1);
    }

    /// <summary>Errors so far by code.</summary>
    public IReadOnlyDictionary<string, long> Errors() => new SortedDictionary<string, long>(_errors, StringComparer.Ordinal);

    /// <summary>Total errors so far.</summary>
    public long ErrorCount() => _errors.Values.Sum();
}
