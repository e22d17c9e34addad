using System.Text.Json.Serialization;

namespace ChatSocket.LoadTest.Report;

/// <summary>The server process's CPU and memory over a measurement, from /proc.</summary>
internal sealed record ServerUsage
{
    /// <summary>CPU seconds (user + system) the server used during the measurement.</summary>
    [JsonPropertyName("cpu_s")]
    public double CpuSeconds { get; init; }

    /// <summary>Server CPU seconds per million deliveries in the measurement.</summary>
    [JsonPropertyName("cpu_s_per_million_deliveries")]
    public double CpuSecondsPerMillion { get; init; }

    /// <summary>Server CPU use during the measurement, percent of one core.</summary>
    [JsonPropertyName("cpu_percent")]
    public double CpuPercent { get; init; }

    /// <summary>RSS at the start of the measurement, MB.</summary>
    [JsonPropertyName("rss_start_mb")]
    public double RssStartMb { get; init; }

    /// <summary>Highest RSS sampled (once a second) during the step, MB.</summary>
    [JsonPropertyName("rss_peak_mb")]
    public double RssPeakMb { get; init; }

    /// <summary>RSS at the end of the measurement, MB.</summary>
    [JsonPropertyName("rss_end_mb")]
    public double RssEndMb { get; init; }
}
