using System.Text.Json.Serialization;

namespace ChatSocket.LoadTest.Report;

/// <summary>The whole result of a run, as written by --json (schema version 1).</summary>
internal sealed record LoadReport
{
    /// <summary>Schema version of this JSON.</summary>
    [JsonPropertyName("schema")]
    public int Schema { get; init; } = 1;

    /// <summary>run, max-rate, idle or join-storm.</summary>
    [JsonPropertyName("mode")]
    public string Mode { get; init; } = "";

    /// <summary>chatsocket or raw.</summary>
    [JsonPropertyName("protocol")]
    public string Protocol { get; init; } = "";

    /// <summary>The server's URL.</summary>
    [JsonPropertyName("url")]
    public string Url { get; init; } = "";

    /// <summary>UTC start time.</summary>
    [JsonPropertyName("started_at")]
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Seconds the whole run took.</summary>
    [JsonPropertyName("elapsed_s")]
    public double ElapsedSeconds { get; init; }

    /// <summary>The workload's shape.</summary>
    [JsonPropertyName("workload")]
    public WorkloadEcho Workload { get; init; } = new();

    /// <summary>Where it ran.</summary>
    [JsonPropertyName("environment")]
    public EnvironmentEcho Environment { get; init; } = new();

    /// <summary>Connections.</summary>
    [JsonPropertyName("connections")]
    public ConnectionsReport Connections { get; init; } = new();

    /// <summary>Measured steps: one in run mode, one per rate in max-rate mode.</summary>
    [JsonPropertyName("steps")]
    public IReadOnlyList<StepReport> Steps { get; init; } = [];

    /// <summary>Max-rate mode: messages/s of the last step with p99 under the limit and nothing lost (null if none).</summary>
    [JsonPropertyName("max_sustainable_msgs_per_s")]
    public double? MaxSustainableMessagesPerSecond { get; init; }

    /// <summary>Max-rate mode: the same in deliveries/s.</summary>
    [JsonPropertyName("max_sustainable_deliveries_per_s")]
    public double? MaxSustainableDeliveriesPerSecond { get; init; }

    /// <summary>ChatSocket run mode: the history-API check.</summary>
    [JsonPropertyName("persistence")]
    public PersistenceReport? Persistence { get; init; }

    /// <summary>Idle mode.</summary>
    [JsonPropertyName("idle")]
    public IdleReport? Idle { get; init; }

    /// <summary>Join-storm mode.</summary>
    [JsonPropertyName("join_storm")]
    public JoinStormReport? JoinStorm { get; init; }

    /// <summary>Errors by code over the whole run (error frames, connect failures, disconnect reasons).</summary>
    [JsonPropertyName("errors")]
    public IReadOnlyDictionary<string, long> Errors { get; init; } = new Dictionary<string, long>();

    /// <summary>Notes: skipped checks, generator limits, anything a reader must know.</summary>
    [JsonPropertyName("notes")]
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Nothing lost, duplicated, reordered or misrouted, and every connection held.</summary>
    [JsonPropertyName("correct")]
    public bool Correct { get; init; }
}
