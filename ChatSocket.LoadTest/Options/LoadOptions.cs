using System.Net;
using ChatSocket.LoadTest.Protocol;

namespace ChatSocket.LoadTest.Options;

/// <summary>
/// Everything one load-test run needs. Defaults are the example workload (20 rooms x 50 clients, 5 senders a room,
/// 2,000 messages/s, 100-byte payloads, 10 s warm-up, 30 s measurement). Command-line names are in brackets.
/// </summary>
internal sealed class LoadOptions
{
    /// <summary>WebSocket URL of the server under test; must be a loopback address [--url].</summary>
    public Uri Url { get; set; } = new("ws://127.0.0.1:5000/ws");

    /// <summary>Protocol spoken [--protocol chatsocket|raw]. Default ChatSocket.</summary>
    public WireProtocol Protocol { get; set; } = WireProtocol.ChatSocket;

    /// <summary>What to do [--mode run|max-rate|idle|join-storm]. Default run.</summary>
    public LoadMode Mode { get; set; } = LoadMode.Run;

    /// <summary>Number of rooms [--rooms]. Default 20.</summary>
    public int Rooms { get; set; } = 20;

    /// <summary>Clients in each room, senders included [--clients-per-room]. Default 50.</summary>
    public int ClientsPerRoom { get; set; } = 50;

    /// <summary>Clients of each room that send [--senders-per-room]. Default 5.</summary>
    public int SendersPerRoom { get; set; } = 5;

    /// <summary>Aggregate offered rate, messages sent per second over all senders [--rate]. Default 2,000.</summary>
    public double Rate { get; set; } = 2000;

    /// <summary>Where arrival times come from [--receive-time user|kernel]. Default user.</summary>
    public ReceiveTimeSource ReceiveTime { get; set; } = ReceiveTimeSource.User;

    /// <summary>Payload size in bytes (the raw frame, or ChatSocket's <c>content</c>) [--size]. Default 100, minimum 34 (the marker).</summary>
    public int Size { get; set; } = 100;

    /// <summary>Measured part of a run (or of each max-rate step; the hold time in idle mode) [--duration]. Default 30 s.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sending before measuring, so that JIT tiers, pools and caches settle [--warmup]. Default 10 s.</summary>
    public TimeSpan Warmup { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After sending stops, how long to wait for deliveries (and acks) still in flight [--drain]. Default 10 s.</summary>
    public TimeSpan Drain { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections are opened evenly over this time; zero opens them as fast as <see cref="ConnectConcurrency"/>
    /// allows [--ramp-up]. Default 0.</summary>
    public TimeSpan RampUp { get; set; } = TimeSpan.Zero;

    /// <summary>Connection attempts in flight at once [--connect-concurrency]. Default 200.</summary>
    public int ConnectConcurrency { get; set; } = 200;

    /// <summary>How long one connection attempt (TCP + upgrade) may take [--connect-timeout]. Default 15 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Loopback source addresses the connections are spread over, round-robin
    /// [--source-ips 127.0.0.1-127.0.0.8 or a comma list]. Default 127.0.0.1 only.</summary>
    public IReadOnlyList<IPAddress> SourceAddresses { get; set; } = [IPAddress.Loopback];

    /// <summary>Write the final report as JSON to this file [--json]. Default none.</summary>
    public string? JsonPath { get; set; }

    /// <summary>Process id of the server, for its RSS and CPU time from /proc [--server-pid]. Default none.</summary>
    public int? ServerPid { get; set; }

    /// <summary>Idle mode: connections to open [--connections]. Default 10,000.</summary>
    public int Connections { get; set; } = 10_000;

    /// <summary>Idle mode: connections opened before the server's baseline RSS is read, so that one-off
    /// allocations are not charged to the idle connections [--idle-warmup-connections]. Default 100.</summary>
    public int IdleWarmupConnections { get; set; } = 100;

    /// <summary>Join-storm mode: clients that join the room at once [--clients]. Default 2,000.</summary>
    public int Clients { get; set; } = 2000;

    /// <summary>Join-storm mode: messages of history each joining client asks for (and that are seeded first)
    /// [--history]. Default 50.</summary>
    public int History { get; set; } = 50;

    /// <summary>Max-rate mode: a step fails when its p99 passes this [--max-p99]. Default 100 ms.</summary>
    public TimeSpan MaxP99 { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Max-rate mode: each step's rate is the previous one times this [--step-factor]. Default 1.5.</summary>
    public double StepFactor { get; set; } = 1.5;

    /// <summary>Max-rate mode: at most this many steps [--max-steps]. Default 8.</summary>
    public int MaxSteps { get; set; } = 8;

    /// <summary>Prefix of room names; a random one per run keeps runs apart in a persistent store [--room-prefix].</summary>
    public string RoomPrefix { get; set; } = "lt" + Random.Shared.Next(0x10000, 0xFFFFF).ToString("x5");

    /// <summary>Print a progress line every second [--quiet turns it off]. Default on.</summary>
    public bool Progress { get; set; } = true;

    /// <summary>Per-connection bound on bytes queued for sending; a message that does not fit is dropped and counted
    /// as a generator backlog drop [--max-pending-send]. Default 1 MiB.</summary>
    public int MaxPendingSendBytes { get; set; } = 1 << 20;

    /// <summary>Per-connection receive buffer; it grows for larger frames up to <see cref="MaxFrameBytes"/>. Default 16 KiB.</summary>
    public int ReceiveBufferBytes { get; set; } = 16 * 1024;

    /// <summary>Largest server frame accepted (history frames can be large) [--max-frame]. Default 4 MiB.</summary>
    public int MaxFrameBytes { get; set; } = 4 << 20;

    /// <summary>After a ChatSocket run, count persisted messages via <c>GET /api/rooms/{room}/messages</c>
    /// [--no-persist-check turns it off]. Default on.</summary>
    public bool CheckPersisted { get; set; } = true;

    /// <summary>Bound on history-API requests of the persistence check, and its deadline. Defaults 20,000 and 120 s.</summary>
    public int PersistCheckMaxRequests { get; set; } = 20_000;

    /// <inheritdoc cref="PersistCheckMaxRequests"/>
    public TimeSpan PersistCheckTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Total client connections of a run/max-rate workload.</summary>
    public int TotalClients => Rooms * ClientsPerRoom;

    /// <summary>A copy that a mode can adjust without changing the caller's options.</summary>
    public LoadOptions Clone() => (LoadOptions)MemberwiseClone();

    /// <summary>Checks the options; returns the problems found (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Url.Scheme != "ws")
        {
            problems.Add("--url must be a ws:// URL (no TLS in a loopback benchmark)");
        }

        if (!IsLoopbackHost(Url.Host))
        {
            problems.Add($"--url must point at a loopback address, not '{Url.Host}'");
        }

        foreach (var address in SourceAddresses)
        {
            if (!IPAddress.IsLoopback(address))
            {
                problems.Add($"--source-ips must be loopback addresses, not {address}");
            }
        }

        if (SourceAddresses.Count == 0)
        {
            problems.Add("--source-ips must name at least one address");
        }

        Require(problems, Rooms >= 1, "--rooms must be at least 1");
        Require(problems, ClientsPerRoom >= 1, "--clients-per-room must be at least 1");
        Require(problems, SendersPerRoom >= 1 && SendersPerRoom <= ClientsPerRoom, "--senders-per-room must be between 1 and --clients-per-room");
        Require(problems, Rate > 0 && double.IsFinite(Rate), "--rate must be positive");
        Require(problems, Size is >= PayloadMinimum and <= 64 * 1024, $"--size must be between {PayloadMinimum} and 65536");
        Require(problems, Duration > TimeSpan.Zero, "--duration must be positive");
        Require(problems, Warmup >= TimeSpan.Zero && Drain >= TimeSpan.Zero && RampUp >= TimeSpan.Zero, "--warmup, --drain and --ramp-up must not be negative");
        Require(problems, ConnectConcurrency >= 1, "--connect-concurrency must be at least 1");
        Require(problems, Connections >= 1 && IdleWarmupConnections >= 0, "--connections must be at least 1");
        Require(problems, Clients >= 1, "--clients must be at least 1");
        Require(problems, History is >= 0 and <= 200, "--history must be between 0 and 200");
        Require(problems, StepFactor > 1, "--step-factor must be above 1");
        Require(problems, MaxSteps is >= 1 and <= 50, "--max-steps must be between 1 and 50");
        Require(problems, MaxPendingSendBytes >= 64 * 1024, "--max-pending-send must be at least 65536");
        Require(problems, MaxFrameBytes >= ReceiveBufferBytes, "--max-frame must be at least the receive buffer");
        Require(problems, ReceiveTime == ReceiveTimeSource.User || OperatingSystem.IsLinux(), "--receive-time kernel needs Linux");
        Require(problems, (long)Rooms * SendersPerRoom <= PayloadMarker.MaxSenders, $"at most {PayloadMarker.MaxSenders} senders in all");
        Require(problems, RoomPrefix.Length is >= 1 and <= 40 && RoomPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), "--room-prefix: 1-40 letters, digits, '-' or '_'");
        return problems;
    }

    /// <summary>Smallest payload that still holds the marker.</summary>
    public const int PayloadMinimum = PayloadMarker.Length;

    private static void Require(List<string> problems, bool condition, string message)
    {
        if (!condition)
        {
            problems.Add(message);
        }
    }

    private static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
