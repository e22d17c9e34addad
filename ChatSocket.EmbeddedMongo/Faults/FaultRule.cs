using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Faults;

/// <summary>One fault: which commands it hits, how often, and what happens to them.</summary>
internal sealed class FaultRule
{
    /// <summary>How many more commands to hit; null = until removed.</summary>
    public int? Remaining { get; set; }

    /// <summary>Command names to hit; null = every command except the handshake/monitoring ones.</summary>
    public HashSet<string>? Commands { get; init; }

    public int? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public bool CloseConnection { get; init; }

    /// <summary>Close the connection only after the command ran (and is durable): the client loses the reply.</summary>
    public bool CloseAfterExecution { get; init; }

    public TimeSpan Block { get; init; }

    public BsonArray? ErrorLabels { get; init; }
}
