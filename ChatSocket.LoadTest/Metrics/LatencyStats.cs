using HdrHistogram;

namespace ChatSocket.LoadTest.Metrics;

/// <summary>
/// Latencies in microseconds in an HDR histogram (1 us to 10 min, 3 significant digits) that many receive loops record
/// into at once. Measurement windows are cut from the recorder, so values recorded outside a window (warm-up) never
/// reach the totals; the progress line reads the last second the same way.
/// </summary>
internal sealed class LatencyStats
{
    private const long HighestMicros = 600_000_000;

    private readonly Lock _lock = new();
    // Receive loops run on several thread-pool threads at once, so the recorded histograms must take concurrent writes.
    private readonly Recorder _recorder = new(1, HighestMicros, 3, (id, low, high, digits) => new LongConcurrentHistogram(id, low, high, digits));
    private readonly LongHistogram _total = new(1, HighestMicros, 3);
    private readonly LongHistogram _progress = new(1, HighestMicros, 3);
    private HistogramBase? _interval;
    private bool _measuring;

    /// <summary>Records one latency.</summary>
    public void Record(long micros) => _recorder.RecordValue(Math.Clamp(micros, 1, HighestMicros));

    /// <summary>Starts a measurement window: what was recorded before is left out.</summary>
    public void StartMeasuring()
    {
        lock (_lock)
        {
            CutLocked();
            _total.Reset();
            _measuring = true;
        }
    }

    /// <summary>Ends the measurement window and returns its summary.</summary>
    public LatencySummary StopMeasuring()
    {
        lock (_lock)
        {
            CutLocked();
            _measuring = false;
            return LatencySummary.From(_total);
        }
    }

    /// <summary>The summary of the measurement window so far.</summary>
    public LatencySummary Snapshot()
    {
        lock (_lock)
        {
            CutLocked();
            return LatencySummary.From(_total);
        }
    }

    /// <summary>The summary of what was recorded since the last call (for the progress line).</summary>
    public LatencySummary TakeProgress()
    {
        lock (_lock)
        {
            CutLocked();
            var summary = LatencySummary.From(_progress);
            _progress.Reset();
            return summary;
        }
    }

    private void CutLocked()
    {
        _interval = _recorder.GetIntervalHistogram(_interval);
        _progress.Add(_interval);
        if (_measuring)
        {
            _total.Add(_interval);
        }
    }
}
