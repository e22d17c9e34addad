using System.Text.Json.Serialization;

namespace ChatSocket.LoadTest.Report;

/// <summary>The workload's parameters, echoed into the report.</summary>
internal sealed record WorkloadEcho
{
    /// <summary>Rooms.</summary>
    [JsonPropertyName("rooms")]
    public int Rooms { get; init; }

    /// <summary>Clients per room.</summary>
    [JsonPropertyName("clients_per_room")]
    public int ClientsPerRoom { get; init; }

    /// <summary>Senders per room.</summary>
    [JsonPropertyName("senders_per_room")]
    public int SendersPerRoom { get; init; }

    /// <summary>Offered messages/s (first step in max-rate mode).</summary>
    [JsonPropertyName("rate")]
    public double Rate { get; init; }

    /// <summary>Payload bytes.</summary>
    [JsonPropertyName("size")]
    public int Size { get; init; }

    /// <summary>Warm-up seconds.</summary>
    [JsonPropertyName("warmup_s")]
    public double WarmupSeconds { get; init; }

    /// <summary>Measured seconds.</summary>
    [JsonPropertyName("duration_s")]
    public double DurationSeconds { get; init; }

    /// <summary>Where arrival times came from: user (the generator's reads) or kernel (the sockets' stamps).</summary>
    [JsonPropertyName("receive_time")]
    public string ReceiveTime { get; init; } = "user";

    /// <summary>Room name prefix.</summary>
    [JsonPropertyName("room_prefix")]
    public string RoomPrefix { get; init; } = "";
}
