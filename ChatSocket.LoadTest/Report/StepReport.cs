using System.Text.Json.Serialization;
using ChatSocket.LoadTest.Metrics;

namespace ChatSocket.LoadTest.Report;

/// <summary>One measured load step: the whole run in run mode, one rate in max-rate mode.</summary>
internal sealed record StepReport
{
    /// <summary>Messages offered per second (all senders).</summary>
    [JsonPropertyName("offered_msgs_per_s")]
    public double OfferedMessagesPerSecond { get; init; }

    /// <summary>Deliveries offered per second: messages x room size.</summary>
    [JsonPropertyName("offered_deliveries_per_s")]
    public double OfferedDeliveriesPerSecond { get; init; }

    /// <summary>Warm-up seconds before the measurement.</summary>
    [JsonPropertyName("warmup_s")]
    public double WarmupSeconds { get; init; }

    /// <summary>Measured seconds.</summary>
    [JsonPropertyName("duration_s")]
    public double DurationSeconds { get; init; }

    /// <summary>Messages sent during the measurement.</summary>
    [JsonPropertyName("sent")]
    public long Sent { get; init; }

    /// <summary>Messages sent per second during the measurement.</summary>
    [JsonPropertyName("sent_per_s")]
    public double SentPerSecond { get; init; }

    /// <summary>Deliveries received during the measurement.</summary>
    [JsonPropertyName("delivered")]
    public long Delivered { get; init; }

    /// <summary>Deliveries received per second during the measurement.</summary>
    [JsonPropertyName("delivered_per_s")]
    public double DeliveredPerSecond { get; init; }

    /// <summary>Deliveries expected for everything sent in the step (warm-up included): each message once per member
    /// connected when it was sent.</summary>
    [JsonPropertyName("expected_total")]
    public long ExpectedTotal { get; init; }

    /// <summary>Distinct deliveries received for the step (warm-up and drain included).</summary>
    [JsonPropertyName("delivered_total")]
    public long DeliveredTotal { get; init; }

    /// <summary>Received / expected (the bench method fails a run under 0.999).</summary>
    [JsonPropertyName("delivered_ratio")]
    public double DeliveredRatio { get; init; }

    /// <summary>Expected minus received after the drain.</summary>
    [JsonPropertyName("lost")]
    public long Lost { get; init; }

    /// <summary>Copies of a delivery received more than once.</summary>
    [JsonPropertyName("duplicates")]
    public long Duplicates { get; init; }

    /// <summary>Deliveries that arrived after a later message of the same sender.</summary>
    [JsonPropertyName("out_of_order")]
    public long OutOfOrder { get; init; }

    /// <summary>Deliveries from a sender of another room.</summary>
    [JsonPropertyName("misrouted")]
    public long Misrouted { get; init; }

    /// <summary>Messages the generator could not queue (a sender's backlog was full): its own limit.</summary>
    [JsonPropertyName("send_drops")]
    public long SendDrops { get; init; }

    /// <summary>Error frames received from the server.</summary>
    [JsonPropertyName("error_frames")]
    public long ErrorFrames { get; init; }

    /// <summary>Connections that ended during the step.</summary>
    [JsonPropertyName("disconnects")]
    public long Disconnects { get; init; }

    /// <summary>End-to-end latency (send time to receipt) of deliveries in the measurement and drain.</summary>
    [JsonPropertyName("latency")]
    public LatencySummary Latency { get; init; } = LatencySummary.Empty;

    /// <summary>ChatSocket: acks received for the step's messages.</summary>
    [JsonPropertyName("acks")]
    public long Acks { get; init; }

    /// <summary>ChatSocket: ack latency (send time to ack) in the measurement and drain.</summary>
    [JsonPropertyName("ack_latency")]
    public LatencySummary AckLatency { get; init; } = LatencySummary.Empty;

    /// <summary>Latest a message left the generator after its scheduled time; large values mean the generator, not the
    /// server, was the limit.</summary>
    [JsonPropertyName("max_send_lag_ms")]
    public double MaxSendLagMs { get; init; }

    /// <summary>Generator CPU during the measurement, percent of one core.</summary>
    [JsonPropertyName("generator_cpu_percent")]
    public double GeneratorCpuPercent { get; init; }

    /// <summary>All cores' busy time during the measurement, percent of one core (200 = both cores of a 2-core machine).</summary>
    [JsonPropertyName("machine_busy_percent")]
    public double? MachineBusyPercent { get; init; }

    /// <summary>CPU taken by anything but the server and the generator during the measurement, percent of one core
    /// (softirq included, which on loopback is partly the run's own network stack). High values mean a disturbed run.</summary>
    [JsonPropertyName("other_cpu_percent")]
    public double? OtherCpuPercent { get; init; }

    /// <summary>Server CPU and memory, when --server-pid was given.</summary>
    [JsonPropertyName("server")]
    public ServerUsage? Server { get; init; }

    /// <summary>Whether the drain ended with everything delivered (and acked, if acks were seen).</summary>
    [JsonPropertyName("drained")]
    public bool Drained { get; init; }

    /// <summary>The progress lines of the step, one a second.</summary>
    [JsonPropertyName("timeline")]
    public IReadOnlyList<ProgressSample> Timeline { get; init; } = [];

    /// <summary>No loss, duplicate, reordering, misrouting or disconnect.</summary>
    [JsonPropertyName("correct")]
    public bool Correct { get; init; }
}
