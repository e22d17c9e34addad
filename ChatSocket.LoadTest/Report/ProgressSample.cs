using System.Text.Json.Serialization;

namespace ChatSocket.LoadTest.Report;

/// <summary>One progress line, kept in the report: what happened in one second of a step.</summary>
internal sealed record ProgressSample
{
    /// <summary>Seconds since the step started.</summary>
    [JsonPropertyName("t_s")]
    public int Second { get; init; }

    /// <summary>warmup, measure or drain.</summary>
    [JsonPropertyName("phase")]
    public string Phase { get; init; } = "";

    /// <summary>Open connections.</summary>
    [JsonPropertyName("connections")]
    public int Connections { get; init; }

    /// <summary>Messages sent in that second.</summary>
    [JsonPropertyName("sent")]
    public long Sent { get; init; }

    /// <summary>Deliveries received in that second.</summary>
    [JsonPropertyName("delivered")]
    public long Delivered { get; init; }

    /// <summary>p99 of the deliveries received in that second, ms.</summary>
    [JsonPropertyName("p99_ms")]
    public double P99Ms { get; init; }

    /// <summary>Server RSS at the end of that second, MB (with --server-pid).</summary>
    [JsonPropertyName("server_rss_mb")]
    public double? ServerRssMb { get; init; }
}
