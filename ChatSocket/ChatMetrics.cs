using System.Diagnostics.Metrics;

namespace ChatSocket;

/// <summary>
/// Counters of the chat server, published on the <c>ChatSocket</c> meter (names documented in README.md) and also
/// readable as totals (tests, the load report).
/// </summary>
internal sealed class ChatMetrics
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "ChatSocket";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _slowConsumers;
    private readonly Counter<long> _rejected;
    private long _framesDeliveredTotal;
    private long _acceptedTotal;
    private long _slowConsumersTotal;

    /// <summary>Creates the meter; the gauges read the live values through the delegates, so that the metrics depend
    /// on no feature (every feature counts into them).</summary>
    public ChatMetrics(IMeterFactory meterFactory, Func<int> connections, Func<int> rooms, Func<long> queuedFrames, Func<int> queuesBehind)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("chatsocket.connections.active", connections, description: "Open WebSocket connections.");
        meter.CreateObservableGauge("chatsocket.rooms.active", rooms, description: "Rooms with at least one member.");
        meter.CreateObservableGauge("chatsocket.connections.queued_frames", queuedFrames, description: "Frames waiting in all send queues (sampled when collected).");
        meter.CreateObservableGauge("chatsocket.connections.queues_behind", queuesBehind, description: "Send queues past their capacity because the server is behind (not the client); while any is, requests wait.");
        _accepted = meter.CreateCounter<long>("chatsocket.messages.accepted", description: "Chat messages accepted and broadcast.");
        _slowConsumers = meter.CreateCounter<long>("chatsocket.connections.slow_consumers", description: "Connections closed with 1013 because their send queue was full.");
        _rejected = meter.CreateCounter<long>("chatsocket.connections.rejected", description: "Upgrades refused (origin, connection limit).");
        // Counted once per frame per member, the hottest path of all: a plain increment read when collected, not a
        // Counter<T>.Add per frame (measured: the exporter's per-measurement work cost a third more CPU per delivery
        // at 800k deliveries/s).
        meter.CreateObservableCounter("chatsocket.connections.frames_delivered", () => Interlocked.Read(ref _framesDeliveredTotal), "{frame}", "Frames queued to clients' send queues: each message once per member, plus presence, history, acks and errors.");
    }

    /// <summary>Messages accepted since start.</summary>
    public long AcceptedTotal => Interlocked.Read(ref _acceptedTotal);

    /// <summary>Connections closed as slow consumers since start.</summary>
    public long SlowConsumersTotal => Interlocked.Read(ref _slowConsumersTotal);

    public void MessageAccepted()
    {
        Interlocked.Increment(ref _acceptedTotal);
        _accepted.Add(1);
    }

    public void SlowConsumerClosed()
    {
        Interlocked.Increment(ref _slowConsumersTotal);
        _slowConsumers.Add(1);
    }

    public void FrameDelivered() => Interlocked.Increment(ref _framesDeliveredTotal);

    public void UpgradeRejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
