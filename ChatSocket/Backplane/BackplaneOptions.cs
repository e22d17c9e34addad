using System.ComponentModel.DataAnnotations;

namespace ChatSocket.Backplane;

/// <summary>
/// Scale-out through Redis (docs/SCALING.md). Unset <see cref="Redis"/>: one node, no Redis needed.
/// </summary>
internal sealed class BackplaneOptions
{
    public const string Section = "Backplane";

    /// <summary>A StackExchange.Redis configuration string (<c>host:6379,password=...</c>; with
    /// <c>serviceName=...</c> and the sentinels' addresses, Sentinel). Unset (default): a single node.</summary>
    public string? Redis { get; set; }

    /// <summary>How long a publish or a subscription may wait for Redis before the client hears <c>unavailable</c>
    /// (default 2 s).</summary>
    [TimeSpanRange("00:00:00.050", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Recent messages Redis keeps per room (default 1000), read by a node when it starts listening to a
    /// room: what was published before it listened and may not be in MongoDB yet. 0 keeps none.</summary>
    [Range(0, 100_000)]
    public int RecentCapacity { get; set; } = 1000;

    /// <summary>How long Redis keeps a quiet room's recent messages (default 1 h).</summary>
    [TimeSpanRange("00:00:01", "7.00:00:00")]
    public TimeSpan RecentRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the other nodes keep counting a node's members after its last heartbeat (default 10 s): a
    /// node killed without a graceful stop leaves every count within this plus <see cref="HeartbeatInterval"/>.</summary>
    [TimeSpanRange("00:00:00.500", "00:10:00")]
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a node refreshes its heartbeat and reads the other nodes' member counts (default 3 s);
    /// shorter than <see cref="NodeTimeout"/>.</summary>
    [TimeSpanRange("00:00:00.050", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(3);
}
