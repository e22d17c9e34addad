using System.Text.Json.Serialization;
using ChatSocket.LoadTest.Metrics;

namespace ChatSocket.LoadTest.Report;

/// <summary>How the connections went.</summary>
internal sealed record ConnectionsReport
{
    /// <summary>Connections asked for.</summary>
    [JsonPropertyName("requested")]
    public int Requested { get; init; }

    /// <summary>Connections open (and joined, for ChatSocket) after the connect phase.</summary>
    [JsonPropertyName("connected")]
    public int Connected { get; init; }

    /// <summary>Attempts that failed.</summary>
    [JsonPropertyName("failed")]
    public int Failed { get; init; }

    /// <summary>Connections that ended before the run closed them.</summary>
    [JsonPropertyName("dropped")]
    public int Dropped { get; init; }

    /// <summary>Seconds the connect phase took.</summary>
    [JsonPropertyName("connect_phase_s")]
    public double ConnectPhaseSeconds { get; init; }

    /// <summary>Connect (TCP + upgrade, + join confirmation for ChatSocket) latency.</summary>
    [JsonPropertyName("connect_latency")]
    public LatencySummary ConnectLatency { get; init; } = LatencySummary.Empty;

    /// <summary>Source addresses used.</summary>
    [JsonPropertyName("source_addresses")]
    public int SourceAddresses { get; init; }
}
