using System.Text.Json.Serialization;

namespace ChatSocket.LoadTest.Report;

/// <summary>Idle mode: memory per held connection.</summary>
internal sealed record IdleReport
{
    /// <summary>Connections held (after the warm-up connections).</summary>
    [JsonPropertyName("held")]
    public int Held { get; init; }

    /// <summary>Seconds they were held.</summary>
    [JsonPropertyName("hold_s")]
    public double HoldSeconds { get; init; }

    /// <summary>Connections that ended while held.</summary>
    [JsonPropertyName("dropped_while_held")]
    public int DroppedWhileHeld { get; init; }

    /// <summary>Server RSS after the warm-up connections, MB.</summary>
    [JsonPropertyName("server_rss_baseline_mb")]
    public double? ServerRssBaselineMb { get; init; }

    /// <summary>Server RSS at the end of the hold, MB.</summary>
    [JsonPropertyName("server_rss_held_mb")]
    public double? ServerRssHeldMb { get; init; }

    /// <summary>(held RSS - baseline RSS) / connections held, KiB.</summary>
    [JsonPropertyName("server_kib_per_connection")]
    public double? ServerKibPerConnection { get; init; }

    /// <summary>The generator's own RSS growth per connection, KiB.</summary>
    [JsonPropertyName("generator_kib_per_connection")]
    public double GeneratorKibPerConnection { get; init; }

    /// <summary>Server CPU seconds used while the connections sat idle (keep-alive pings, timers).</summary>
    [JsonPropertyName("server_cpu_s_while_held")]
    public double? ServerCpuSecondsWhileHeld { get; init; }
}
