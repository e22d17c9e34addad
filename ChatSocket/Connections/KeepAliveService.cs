using ChatSocket.Identity;
using Microsoft.Extensions.Options;

namespace ChatSocket.Connections;

/// <summary>
/// One timer for all connections (not one per connection): pings connections quiet for
/// <see cref="ChatOptions.PingInterval"/>, closes those silent past <see cref="ChatOptions.IdleTimeout"/> and, with
/// authentication on, those whose token ran out (so the sweep then runs at least every
/// <see cref="MaxExpiryLag"/>).
/// </summary>
internal sealed class KeepAliveService(ConnectionRegistry connections, IOptions<ChatOptions> options, IOptions<AuthOptions> auth) : BackgroundService
{
    /// <summary>The longest a connection outlives its token (checked once per sweep).</summary>
    public static readonly TimeSpan MaxExpiryLag = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ping = options.Value.PingInterval;
        var idle = options.Value.IdleTimeout;
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 10, Math.Min(ping.Ticks, idle.Ticks) / 4));
        if (auth.Value.Enabled && period > MaxExpiryLag)
        {
            period = MaxExpiryLag;
        }

        using var timer = new PeriodicTimer(period);
        var thresholds = ((long)ping.TotalMilliseconds, (long)idle.TotalMilliseconds);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = (Environment.TickCount64, thresholds.Item1, thresholds.Item2, DateTimeOffset.UtcNow);
            connections.ForEach(static (connection, s) => connection.CheckKeepAlive(s.TickCount64, s.Item2, s.Item3, s.UtcNow), now);
        }
    }
}
