using System.ComponentModel.DataAnnotations;

namespace ChatSocket.Persistence;

/// <summary>
/// How ChatSocket uses MongoDB. The connection string itself comes from the host (<see cref="IConnectionStringSource"/>:
/// <c>ConnectionStrings:Mongo</c> or <c>MONGODB_URI</c>, never a file in the repository, or the embedded engine).
/// </summary>
internal sealed class MongoOptions
{
    public const string Section = "Mongo";

    /// <summary>Database name. Default <c>chatsocket</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,63}$")]
    public string Database { get; set; } = "chatsocket";

    /// <summary>Collection of messages. Default <c>messages</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,120}$")]
    public string Collection { get; set; } = "messages";

    /// <summary>Write concern for message inserts: <c>majority</c> (default), or a number of nodes such as <c>1</c>.</summary>
    [Required]
    public string WriteConcern { get; set; } = "majority";

    /// <summary>Journal acknowledgement for writes (<c>j: true</c>). Default true.</summary>
    public bool Journal { get; set; } = true;

    /// <summary>Driver connection pool size per server. Default 100 (the driver's own default).</summary>
    [Range(1, 10_000)]
    public int MaxConnectionPoolSize { get; set; } = 100;

    /// <summary>How long the driver looks for a usable server before an operation fails. Default 10 s.</summary>
    public TimeSpan ServerSelectionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>TCP connect timeout. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Upper bound for one insert or query round trip (driver <c>Timeout</c>). Default 30 s.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
