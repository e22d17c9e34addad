using System.ComponentModel.DataAnnotations;

namespace ChatSocket;

/// <summary>
/// Limits and timings of the chat server, bound from the <c>Chat</c> configuration section and validated at start.
/// Every limit has a documented default; see the options table in README.md.
/// </summary>
internal sealed class ChatOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Chat";

    /// <summary>Largest incoming text message in bytes, all fragments together (default 16 KiB). Larger: close 1009.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 16 * 1024;

    /// <summary>Longest <c>content</c> in characters (default 4,000). Longer: <c>bad_request</c>.</summary>
    [Range(1, 1_000_000)]
    public int MaxContentLength { get; set; } = 4_000;

    /// <summary>Longest user name in characters (default 32). Longer, or with control characters: <c>bad_request</c>.</summary>
    [Range(1, 1_000)]
    public int MaxUserLength { get; set; } = 32;

    /// <summary>Rooms one connection may be in at once (default 50). One more: <c>too_many_rooms</c>.</summary>
    [Range(1, 100_000)]
    public int MaxRoomsPerConnection { get; set; } = 50;

    /// <summary>Rooms with members on the whole server (default 10,000). A join to one more: <c>too_many_rooms</c>.</summary>
    [Range(1, 10_000_000)]
    public int MaxRooms { get; set; } = 10_000;

    /// <summary>Open WebSocket connections (default 100,000). Over it, new upgrades get HTTP 503.</summary>
    [Range(1, 10_000_000)]
    public int MaxConnections { get; set; } = 100_000;

    /// <summary>Frames queued per connection (default 1,024). A full queue of a client that is not reading closes the
    /// connection with 1013; while the client reads and the server is behind, the queue may hold 4 times as many.</summary>
    [Range(1, 1_000_000)]
    public int SendQueueCapacity { get; set; } = 1_024;

    /// <summary>Most bytes the send loop packs into one write (default 64 KiB).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxWriteBytes { get; set; } = 64 * 1024;

    /// <summary>Sustained client frames per second per connection (token bucket refill, default 20). Over: <c>rate_limited</c>.</summary>
    [Range(0.001, 1_000_000)]
    public double MessagesPerSecond { get; set; } = 20;

    /// <summary>Token bucket size: frames a connection may send in a burst (default 40).</summary>
    [Range(1, 1_000_000)]
    public int MessageBurst { get; set; } = 40;

    /// <summary>Recent messages kept in memory per room (default 256, more than <see cref="MaxHistory"/>): the hot
    /// history cache in front of MongoDB. Messages not yet stored stay beyond it until they are.</summary>
    [Range(1, 1_000_000)]
    public int HistoryCapacity { get; set; } = 256;

    /// <summary>Rooms whose recent messages are kept in memory (default 10,000); the least recently written is evicted.</summary>
    [Range(1, 10_000_000)]
    public int HistoryRoomCapacity { get; set; } = 10_000;

    /// <summary>Messages sent on join when the join frame has no <c>history</c> field (default 50).</summary>
    [Range(0, 10_000)]
    public int DefaultHistory { get; set; } = 50;

    /// <summary>Most messages in one history frame (default 200); larger requests are cut to it.</summary>
    [Range(1, 10_000)]
    public int MaxHistory { get; set; } = 200;

    /// <summary>
    /// How long a room's presence events wait to be sent together during a burst (default 50 ms). A quiet room's event
    /// goes out at once as a <c>presence</c> frame; events within this long after the previous presence frame wait and
    /// go out as one <c>presence_batch</c> (one, alone, as a <c>presence</c>), so a storm of joins costs each member a
    /// frame per window instead of a frame per join. Zero: never batch.
    /// </summary>
    [TimeSpanRange("00:00:00", "00:00:10")]
    public TimeSpan PresenceBatchWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Most presence events in one <c>presence_batch</c> (default 100): a full batch goes out at once, so a
    /// frame stays small and the events wait no longer in a big storm. A big room's batch holds as many times more as
    /// its window is longer (<see cref="PresenceDeliveriesPerSecond"/>).</summary>
    [Range(2, 10_000)]
    public int PresenceBatchMaxEvents { get; set; } = 100;

    /// <summary>
    /// Presence frames a room may cost its members per second during a burst, all members together (default 10,000).
    /// Each presence frame goes to every member, so a big room widens its window (and its batch) with its size:
    /// n members give a window of n / this, at least <see cref="PresenceBatchWindow"/> and at most 20 times it. A room
    /// of up to 500 members keeps the window as it is; one of 2,000 waits 200 ms. Zero: windows do not grow.
    /// </summary>
    [Range(0, 100_000_000)]
    public int PresenceDeliveriesPerSecond { get; set; } = 10_000;

    /// <summary>
    /// Origins (scheme://host[:port]) allowed to open a WebSocket from a browser, besides the server's own origin.
    /// Requests without an Origin header (non-browser clients) are always allowed; "*" allows every origin.
    /// Anything else gets 403 before the upgrade. Default: none.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>A connection silent for this long gets a WebSocket ping (default 30 s).</summary>
    [TimeSpanRange("00:00:00.050", "1.00:00:00")]
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection silent for this long (no frame, no pong) is closed with 1001 (default 90 s).</summary>
    [TimeSpanRange("00:00:00.100", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a closing connection waits for its last frames to go out and the peer's close (default 5 s).</summary>
    [TimeSpanRange("00:00:00.010", "00:10:00")]
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>On shutdown, how long to wait for clients to take their 1001 close (default 10 s).</summary>
    [TimeSpanRange("00:00:00.010", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs Kestrel's socket I/O continuations inline instead of on its I/O queues (default false). It saves a
    /// thread-pool hop per flush of the send loop, at the price of application code running on I/O threads; for
    /// servers dedicated to fan-out. Read once at start.
    /// </summary>
    public bool InlineTransportScheduling { get; set; }

    /// <summary>
    /// Serves WebSocket upgrades below Kestrel's HTTP layer (default true): a Kestrel connection middleware reads the
    /// first request's head and, for a plain <c>GET /ws</c> HTTP/1.1 upgrade, runs the same checks and answers as
    /// the HTTP path, then serves the WebSocket on the connection's transport. An idle client then no longer keeps
    /// Kestrel's HTTP/1.1 request state alive (about 8 KiB of its ~17.6 KiB; issue 11). Every other request, and
    /// every connection of a TLS listener or of the metrics port, goes through Kestrel's HTTP layer as before. False
    /// serves every upgrade through the HTTP layer. Read once at start.
    /// </summary>
    public bool UpgradeBelowHttp { get; set; } = true;

    /// <summary>
    /// With <see cref="UpgradeBelowHttp"/>, the send loop writes its queued frames straight to the connection's socket
    /// in one gather send (default true), instead of copying them into Kestrel's output pipe: the room's one encoded
    /// frame is then the only copy in memory, not one per member (the pipes' copies were 44 MB of a 1,000-member
    /// node's pinned heap under fan-out, issue 11). False: through the pipe, as the HTTP path does. Read once at start.
    /// </summary>
    public bool DirectSocketWrites { get; set; } = true;

    /// <summary>
    /// Kestrel's TCP listeners use the server's own lean transport (default true): a connection gets Kestrel's pipes
    /// and their receive and send loops only when something asks for them (an HTTP request, TLS), and a WebSocket
    /// upgraded below HTTP with direct writes reads its socket itself and never gets them, about 2 KiB less per idle
    /// client (issue 11). False: Kestrel's socket transport for every connection. Unix sockets always use Kestrel's.
    /// <see cref="InlineTransportScheduling"/> is an option of Kestrel's transport: on, it turns this off. Read once at
    /// start.
    /// </summary>
    public bool LeanTransport { get; set; } = true;

    /// <summary>
    /// The listen backlog of the chat's TCP listeners (default 4,096; the kernel caps it at <c>net.core.somaxconn</c>).
    /// Kestrel's default of 512 overflows when a few thousand clients reconnect at once (a node restart, a network
    /// blip): the kernel drops the excess SYNs and those clients retry only after a second (issue 11's join storm).
    /// Read once at start.
    /// </summary>
    [Range(1, 65_535)]
    public int ListenBacklog { get; set; } = 4096;
}
