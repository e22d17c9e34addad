using System.Text.Json.Serialization;
using ChatSocket.LoadTest.Metrics;

namespace ChatSocket.LoadTest.Report;

/// <summary>Join-storm mode: many clients join one room with history at once.</summary>
internal sealed record JoinStormReport
{
    /// <summary>Clients that tried to join.</summary>
    [JsonPropertyName("clients")]
    public int Clients { get; init; }

    /// <summary>Messages seeded into the room before the storm.</summary>
    [JsonPropertyName("seeded")]
    public int Seeded { get; init; }

    /// <summary>Messages of history asked for.</summary>
    [JsonPropertyName("history_requested")]
    public int HistoryRequested { get; init; }

    /// <summary>Clients joined (ChatSocket: joined frame; raw: upgraded).</summary>
    [JsonPropertyName("joined")]
    public int Joined { get; init; }

    /// <summary>ChatSocket: clients whose history frame held every message asked for.</summary>
    [JsonPropertyName("complete_history")]
    public int CompleteHistory { get; init; }

    /// <summary>Seconds from the first connect to the last join (or history) confirmed.</summary>
    [JsonPropertyName("storm_s")]
    public double StormSeconds { get; init; }

    /// <summary>Connect + join latency per client (raw: connect + upgrade).</summary>
    [JsonPropertyName("join_latency")]
    public LatencySummary JoinLatency { get; init; } = LatencySummary.Empty;

    /// <summary>ChatSocket: connect to history frame latency per client.</summary>
    [JsonPropertyName("history_latency")]
    public LatencySummary HistoryLatency { get; init; } = LatencySummary.Empty;

    /// <summary>Server RSS peak during the storm, MB.</summary>
    [JsonPropertyName("server_rss_peak_mb")]
    public double? ServerRssPeakMb { get; init; }

    /// <summary>Server CPU seconds the storm took.</summary>
    [JsonPropertyName("server_cpu_s")]
    public double? ServerCpuSeconds { get; init; }
}
