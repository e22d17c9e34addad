using System.Diagnostics.Metrics;

namespace ChatSocket.Backplane;

/// <summary>Instruments of the backplane on the <c>ChatSocket.Backplane</c> meter (docs/OPERATIONS.md).</summary>
internal sealed class BackplaneMetrics
{
    public const string MeterName = "ChatSocket.Backplane";

    private readonly Counter<long> _published;
    private readonly Counter<long> _received;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _reconnects;
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _presenceDropped;

    public BackplaneMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>("chatsocket.backplane.published", "{message}", "Messages this node published through Redis (ids issued).");
        _received = meter.CreateCounter<long>("chatsocket.backplane.received", "{message}", "Messages this node received from Redis, its own included.");
        _failures = meter.CreateCounter<long>("chatsocket.backplane.failures", "{operation}", "Publishes and subscriptions refused because Redis could not be reached (the client got unavailable).");
        _reconnects = meter.CreateCounter<long>("chatsocket.backplane.reconnects", "{reconnect}", "Connections to Redis restored after a failure.");
        _presenceDropped = meter.CreateCounter<long>("chatsocket.backplane.presence_dropped", "{change}", "Membership changes not sent to the other nodes because the presence queue was full; the counts heal at the next heartbeat.");
        _lag = meter.CreateHistogram<double>("chatsocket.backplane.lag", "ms", "From the id issued by Redis to its delivery on this node (clock skew between Redis and the node included).");
    }

    public void Published() => _published.Add(1);

    public void Received(DateTime issuedAt)
    {
        _received.Add(1);
        _lag.Record(Math.Max(0, (DateTime.UtcNow - issuedAt).TotalMilliseconds));
    }

    public void PresenceDropped() => _presenceDropped.Add(1);

    public void Failed(string operation) => _failures.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void Reconnected(string connection) => _reconnects.Add(1, new KeyValuePair<string, object?>("connection", connection));
}
