using System.Text.Json.Serialization;
using HdrHistogram;

namespace ChatSocket.LoadTest.Metrics;

/// <summary>Percentiles of a latency histogram, in milliseconds.</summary>
internal sealed record LatencySummary
{
    /// <summary>Values recorded.</summary>
    [JsonPropertyName("count")]
    public long Count { get; init; }

    /// <summary>Median.</summary>
    [JsonPropertyName("p50_ms")]
    public double P50 { get; init; }

    /// <summary>90th percentile.</summary>
    [JsonPropertyName("p90_ms")]
    public double P90 { get; init; }

    /// <summary>99th percentile.</summary>
    [JsonPropertyName("p99_ms")]
    public double P99 { get; init; }

    /// <summary>99.9th percentile.</summary>
    [JsonPropertyName("p999_ms")]
    public double P999 { get; init; }

    /// <summary>Largest value.</summary>
    [JsonPropertyName("max_ms")]
    public double Max { get; init; }

    /// <summary>Mean.</summary>
    [JsonPropertyName("mean_ms")]
    public double Mean { get; init; }

    /// <summary>An empty summary.</summary>
    public static LatencySummary Empty { get; } = new();

    /// <summary>Summarises a histogram of microseconds.</summary>
    public static LatencySummary From(HistogramBase micros) => micros.TotalCount == 0
        ? Empty
        : new LatencySummary
        {
            Count = micros.TotalCount,
            P50 = Ms(micros.GetValueAtPercentile(50)),
            P90 = Ms(micros.GetValueAtPercentile(90)),
            P99 = Ms(micros.GetValueAtPercentile(99)),
            P999 = Ms(micros.GetValueAtPercentile(99.9)),
            Max = Ms(micros.GetMaxValue()),
            Mean = Math.Round(micros.GetMean() / 1000.0, 3),
        };

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}
