using System.Diagnostics.Metrics;

namespace ChatSocket.Persistence;

/// <summary>
/// Instruments of the message pipeline, meter <c>ChatSocket.Persistence</c> (see docs/OPERATIONS.md):
/// <c>chatsocket.persistence.queue_depth</c>, <c>.batch_size</c>, <c>.insert_duration</c>, <c>.retries</c>,
/// <c>.stored</c>, <c>.acks</c>, <c>.overloaded</c>, <c>.spilled</c>, <c>.rejected</c>.
/// </summary>
internal sealed class PersistenceMetrics
{
    public const string MeterName = "ChatSocket.Persistence";

    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _insertDuration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _stored;
    private readonly Counter<long> _acks;
    private readonly Counter<long> _overloaded;
    private readonly Counter<long> _spilled;
    private readonly Counter<long> _rejected;

    public PersistenceMetrics(IMeterFactory meterFactory, MessageQueue queue)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("chatsocket.persistence.queue_depth", () => queue.Count, "{message}",
            "Messages accepted and waiting for the writer.");
        _batchSize = meter.CreateHistogram<int>("chatsocket.persistence.batch_size", "{message}",
            "Documents per InsertMany.");
        // Buckets in seconds from 1 ms to 10 s: the exporters' default buckets (0 to 10000) suit milliseconds.
        _insertDuration = meter.CreateHistogram("chatsocket.persistence.insert_duration", "s",
            "Duration of one successful InsertMany.", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _retries = meter.CreateCounter<long>("chatsocket.persistence.retries", "{batch}",
            "Batches retried after a failed insert.");
        _stored = meter.CreateCounter<long>("chatsocket.persistence.stored", "{message}",
            "Messages durable in the database.");
        _acks = meter.CreateCounter<long>("chatsocket.persistence.acks", "{ack}", "Senders told that their message is durable (or refused).");
        _overloaded = meter.CreateCounter<long>("chatsocket.persistence.overloaded", "{message}",
            "Messages rejected because the queue stayed full.");
        _spilled = meter.CreateCounter<long>("chatsocket.persistence.spilled", "{message}",
            "Messages written to the spill file at shutdown.");
        _rejected = meter.CreateCounter<long>("chatsocket.persistence.rejected", "{message}",
            "Messages the database refused for good.");
    }

    public void BatchWritten(int size, TimeSpan duration)
    {
        _batchSize.Record(size);
        _insertDuration.Record(duration.TotalSeconds);
    }

    public void Retried() => _retries.Add(1);

    public void Stored(int count) => _stored.Add(count);

    public void Acked(int count) => _acks.Add(count);

    public void Overloaded() => _overloaded.Add(1);

    public void Spilled(int count) => _spilled.Add(count);

    public void Rejected() => _rejected.Add(1);
}
