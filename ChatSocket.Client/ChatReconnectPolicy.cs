namespace ChatSocket.Client;

/// <summary>
/// Capped exponential backoff with jitter, used between reconnect attempts and between retries of a frame the
/// server refused as transient (<c>unavailable</c>, <c>overloaded</c>, <c>rate_limited</c>). Attempt n waits
/// <c>min(InitialDelay * 2^n, MaxDelay)</c>, then spread by ±<see cref="Jitter"/> so that many clients cut off at once
/// do not come back at once.
/// </summary>
public sealed class ChatReconnectPolicy
{
    /// <summary>The first wait. Default 250 ms.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The cap. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Fraction of the delay added or removed at random, 0 to 1. Default 0.2.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>Failed connection attempts in a row after which the client stops (<see cref="ChatConnectionState.Stopped"/>);
    /// null (the default) retries for ever. A connection that came up resets the count.</summary>
    public int? MaxAttempts { get; init; }

    internal void Validate()
    {
        if (InitialDelay <= TimeSpan.Zero || MaxDelay < InitialDelay)
        {
            throw new ArgumentException("ReconnectPolicy needs 0 < InitialDelay <= MaxDelay");
        }

        if (Jitter is < 0 or > 1)
        {
            throw new ArgumentException("ReconnectPolicy.Jitter must be between 0 and 1");
        }

        if (MaxAttempts is < 1)
        {
            throw new ArgumentException("ReconnectPolicy.MaxAttempts must be at least 1 when set");
        }
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> (0-based) of a run of failures.</summary>
    internal TimeSpan DelayFor(int attempt)
    {
        var exponent = Math.Min(attempt, 30);
        var capped = Math.Min(InitialDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds);
        var spread = 1 + (Jitter * ((Random.Shared.NextDouble() * 2) - 1));
        return TimeSpan.FromMilliseconds(capped * spread);
    }
}
