namespace ChatSocket.Tests.Support;

/// <summary>A clock that moves only when a test says so (timestamps only: it creates no timers).</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _now = 1_000_000;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _now;

    public void Advance(TimeSpan by) => _now += by.Ticks;
}
