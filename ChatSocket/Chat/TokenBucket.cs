using System.Diagnostics;

namespace ChatSocket.Chat;

/// <summary>
/// A token bucket: <c>burst</c> tokens, refilled at <c>ratePerSecond</c>. Used by one receive loop only, so it takes
/// no lock.
/// </summary>
internal sealed class TokenBucket(double ratePerSecond, int burst)
{
    private double _tokens = burst;
    private long _lastRefill = Stopwatch.GetTimestamp();

    /// <summary>Takes a token if one is available.</summary>
    public bool TryTake()
    {
        var now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + (Stopwatch.GetElapsedTime(_lastRefill, now).TotalSeconds * ratePerSecond));
        _lastRefill = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
