using System.ComponentModel.DataAnnotations;

namespace ChatSocket.Persistence;

/// <summary>Limits and timings of the message pipeline (accept -> bounded queue -> batch writer -> ack).</summary>
internal sealed class PersistenceOptions
{
    public const string Section = "Persistence";

    /// <summary>Store messages in MongoDB (default true). False: nothing is stored, no acks are sent, history is the
    /// in-memory rings only (for benchmarks of the fan-out alone).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Messages accepted but not yet stored, at most. Default 100,000: about a minute of a busy node's
    /// traffic, which is the outage the queue absorbs before senders are told <c>overloaded</c>.</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>How long a send waits for room in a full queue before it is rejected. Default 2 s.</summary>
    public TimeSpan EnqueueTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Documents per <c>InsertMany</c>, at most. Default 1,000.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1_000;

    /// <summary>Batches written concurrently, at most. Default 2.</summary>
    [Range(1, 64)]
    public int MaxBatchesInFlight { get; set; } = 2;

    /// <summary>First retry delay after a failed batch; doubles per attempt up to <see cref="RetryMaxDelay"/>.
    /// Default 100 ms.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Cap of the retry delay. Default 5 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>On shutdown, how long the writer keeps storing before it spills the rest to disk. Default 10 s.</summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Directory of the spill file (messages not stored at shutdown). Default <c>./data</c>.</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>How long a send with a <c>client_msg_id</c> that is not in memory waits for the database to say whether
    /// it is new, before it is refused with <c>unavailable</c>. Default 5 s.</summary>
    public TimeSpan ClientMsgIdCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>On a single node (no backplane), remember the <c>client_msg_id</c>s each sender used in a room,
    /// loaded from the database at its first send there, so that a new key is known to be new without a database
    /// round trip before its message is broadcast (that round trip was most of the send path's latency tail, issue
    /// 11); a key that may be used is still asked. Default true. With a backplane, every key is asked, as other nodes
    /// store messages this node may not have seen yet.</summary>
    public bool RememberClientMsgIds { get; set; } = true;

    /// <summary>Keys remembered per sender and room (default 100,000): a sender with more is not remembered, its keys
    /// are asked of the database.</summary>
    [Range(1, 100_000_000)]
    public int RememberedClientMsgIdsPerSender { get; set; } = 100_000;

    /// <summary>Keys remembered on this node in all, each one a hash of about 20 bytes in memory (default 1,000,000,
    /// about 20 MB at most): past it, further keys are not remembered, and the senders concerned have their keys asked
    /// of the database.</summary>
    [Range(1, 1_000_000_000)]
    public int RememberedClientMsgIds { get; set; } = 1_000_000;

    /// <summary>Keep the text index that search needs (default true). It is the costliest index to maintain on
    /// insert (measured on the embedded engine: about half the insert throughput without it; MongoDB's text
    /// indexes are costly too): a deployment that does not search may turn it off, and search then answers that it
    /// is off. An existing index is left in place (drop it by hand).</summary>
    public bool SearchIndex { get; set; } = true;
}
