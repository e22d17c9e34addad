using System.Net;
using System.Net.Sockets;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Operations;

[TestFixture]
public sealed class MetricsEndpointTests
{
    // Present from the first scrape (gauges, and what the start itself records); docs/OPERATIONS.md lists them all.
    private static readonly string[] AtStart =
    [
        "chatsocket_connections_active",
        "chatsocket_rooms_active",
        "chatsocket_connections_queued_frames",
        "chatsocket_connections_queues_behind",
        "chatsocket_persistence_queue_depth",
        "kestrel_active_connections",
        "http_server_active_requests",
        "target_info",
    ];

    // Counters and histograms appear at their first measurement: these after two clients exchanged messages.
    private static readonly string[] AfterTraffic =
    [
        "chatsocket_messages_accepted_total",
        "chatsocket_connections_frames_delivered_total",
        "chatsocket_persistence_stored_total",
        "chatsocket_persistence_acks_total",
        "chatsocket_persistence_batch_size_bucket",
        "chatsocket_persistence_insert_duration_seconds_bucket",
        "chatsocket_persistence_insert_duration_seconds_count",
        "kestrel_connection_duration_seconds_bucket",
        "http_server_request_duration_seconds_bucket",
    ];

    // The runtime's meter, exported only with Metrics:Runtime.
    private static readonly string[] Runtime =
    [
        "dotnet_process_memory_working_set_bytes",
        "dotnet_gc_collections_total",
        "dotnet_thread_pool_queue_length_total",
    ];

    [Test]
    public async Task The_scrape_lists_the_server_runtime_and_kestrel_instruments_in_the_text_format()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Metrics:Runtime"] = "true" });

        var scrape = await PrometheusScrape.GetAsync(server.BaseUri);

        Assert.That(AtStart.Concat(Runtime).Where(name => !scrape.Has(name)), Is.Empty, "missing from the first scrape");
        Assert.That(scrape.Types["chatsocket_connections_active"], Is.EqualTo("gauge"));
        Assert.That(scrape.Types["dotnet_gc_collections_total"], Is.EqualTo("counter"));
    }

    [Test]
    public async Task The_runtime_meter_is_left_out_unless_asked_for()
    {
        await using var server = await ChatServer.StartAsync();

        var scrape = await PrometheusScrape.GetAsync(server.BaseUri);

        Assert.That(AtStart.Where(name => !scrape.Has(name)), Is.Empty);
        Assert.That(Runtime.Where(scrape.Has), Is.Empty, "no dotnet_* series by default");
    }

    [Test]
    public async Task Values_move_when_two_clients_exchange_messages()
    {
        await using var server = await ChatServer.StartAsync();
        var before = await PrometheusScrape.GetAsync(server.BaseUri);
        await using var alice = await server.ConnectAndJoinAsync("alice", "scraped");
        await using var bob = await server.ConnectAndJoinAsync("bob", "scraped");

        for (var i = 0; i < 3; i++)
        {
            await alice.SendJsonAsync(new { type = "send", room_id = "scraped", content = $"m{i}" });
            await alice.ReceiveTypeAsync("ack", "scraped");
        }

        await bob.ReceiveMessagesAsync("scraped", 3);
        // The ack leaves before the writer counts it: wait for the counter rather than for the frame.
        var after = await Eventually.ReturnsAsync(
            () => PrometheusScrape.GetAsync(server.BaseUri),
            scrape => scrape.Sum("chatsocket_persistence_acks_total") >= 3,
            "three acks counted");

        Assert.That(AfterTraffic.Where(name => !after.Has(name)), Is.Empty, "missing after traffic");
        Assert.That(after.Sum("chatsocket_messages_accepted_total") - before.Sum("chatsocket_messages_accepted_total"), Is.EqualTo(3));
        Assert.That(after.Sum("chatsocket_persistence_acks_total") - before.Sum("chatsocket_persistence_acks_total"), Is.EqualTo(3));
        Assert.That(after.Sum("chatsocket_persistence_stored_total"), Is.EqualTo(3));
        Assert.That(after.Sum("chatsocket_persistence_insert_duration_seconds_count"), Is.GreaterThanOrEqualTo(1));
        Assert.That(after.Sum("chatsocket_connections_frames_delivered_total"), Is.GreaterThanOrEqualTo(6), "each message to both members");
        Assert.That(after.Sum("chatsocket_connections_active"), Is.EqualTo(2));
        Assert.That(after.Sum("chatsocket_rooms_active"), Is.EqualTo(1));
        // The WebSockets were detached from Kestrel after their upgrade (the lean transport): Kestrel counts only
        // the connections it still serves, here the scrape's own.
        Assert.That(after.Sum("kestrel_active_connections"), Is.GreaterThanOrEqualTo(1).And.LessThan(2));
    }

    [Test]
    public async Task Refused_upgrades_are_counted_by_reason()
    {
        await using var server = await ChatServer.StartAsync();
        using var http = server.CreateHttpClient();

        // A plain GET is no upgrade: refused as a bad handshake.
        await http.GetAsync("/ws");
        var scrape = await PrometheusScrape.GetAsync(server.BaseUri);

        Assert.That(scrape.Types["chatsocket_connections_rejected_total"], Is.EqualTo("counter"));
        Assert.That(scrape.Sum("chatsocket_connections_rejected_total", ("reason", "handshake")), Is.EqualTo(1));
    }

    [Test]
    public async Task Readiness_is_a_gauge_per_check()
    {
        await using var server = await ChatServer.StartAsync();

        // The health check publisher runs the checks a moment after the start, then periodically.
        var scrape = await Eventually.ReturnsAsync(
            () => PrometheusScrape.GetAsync(server.BaseUri),
            scrape => scrape.Has("chatsocket_health_ready"),
            "readiness published");

        Assert.That(scrape.Sum("chatsocket_health_ready", ("check", "mongo")), Is.EqualTo(1));
        Assert.That(scrape.Sum("chatsocket_health_ready", ("check", "not_stopping")), Is.EqualTo(1));
    }

    [Test]
    public async Task With_a_metrics_port_metrics_are_served_there_only_and_nothing_else_is()
    {
        var port = FreePort();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Metrics:Port"] = port.ToString() });
        var metricsUri = new Uri($"http://127.0.0.1:{port}/");
        using var http = server.CreateHttpClient();
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Host = $"127.0.0.1:{port}" } };
        using var onMetricsPort = new HttpClient { BaseAddress = metricsUri, Timeout = ChatServer.Deadline };

        var scrape = await PrometheusScrape.GetAsync(metricsUri);

        Assert.That(scrape.Has("chatsocket_connections_active"), Is.True);
        Assert.That((await http.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "/metrics on the public port");
        Assert.That((await http.SendAsync(spoofed)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a Host header naming the metrics port");
        Assert.That((await http.GetAsync("/api/rooms")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the public API still served");
        Assert.That((await onMetricsPort.GetAsync("/api/rooms")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the API on the metrics port");
        Assert.That((await onMetricsPort.GetAsync("/")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the page on the metrics port");
    }

    [Test]
    public async Task Disabled_metrics_are_not_served()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Metrics:Enabled"] = "false" });
        using var http = server.CreateHttpClient();

        Assert.That((await http.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public void A_metrics_port_out_of_range_refuses_to_start()
    {
        Assert.That(
            async () => await ChatServer.StartAsync(new Dictionary<string, string?> { ["Metrics:Port"] = "0" }),
            Throws.InstanceOf<Microsoft.Extensions.Options.OptionsValidationException>());
    }

    // Free when asked; the server binds it a moment later (the port is taken from the ephemeral range, so nothing
    // else on a test machine is likely to grab it in between).
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
