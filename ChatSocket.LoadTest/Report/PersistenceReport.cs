using System.Text.Json.Serialization;

namespace ChatSocket.LoadTest.Report;

/// <summary>ChatSocket: messages found through the history API after the run, against those sent and acked.</summary>
internal sealed record PersistenceReport
{
    /// <summary>Whether the check ran to the end.</summary>
    [JsonPropertyName("checked")]
    public bool Checked { get; init; }

    /// <summary>Why it did not run, or anything unusual.</summary>
    [JsonPropertyName("note")]
    public string? Note { get; init; }

    /// <summary>Messages sent by the generator in the whole run (warm-up included).</summary>
    [JsonPropertyName("sent")]
    public long Sent { get; init; }

    /// <summary>Acks received in the whole run.</summary>
    [JsonPropertyName("acked")]
    public long Acked { get; init; }

    /// <summary>Distinct generator messages the history API returned.</summary>
    [JsonPropertyName("persisted")]
    public long Persisted { get; init; }

    /// <summary>History requests made.</summary>
    [JsonPropertyName("requests")]
    public int Requests { get; init; }
}
