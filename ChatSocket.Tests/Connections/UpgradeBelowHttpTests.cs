using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Connections;

/// <summary>
/// The upgrade below Kestrel's HTTP layer (<c>Chat:UpgradeBelowHttp</c>) answers every upgrade as the HTTP path does:
/// each request is sent as raw bytes to a server with the option on and to one with it off, and the answers are
/// compared (status, the headers a client acts on, body). What is not a WebSocket upgrade is still Kestrel's.
/// </summary>
[TestFixture]
public sealed class UpgradeBelowHttpTests
{
    private const string Below = "true";
    private const string Http = "false";

    // The headers a client or a proxy acts on; Date, Server and the body's framing may differ.
    private static readonly string[] HeadersThatMatter = ["Content-Type", "WWW-Authenticate", "Sec-WebSocket-Version", "Upgrade", "Connection", "Sec-WebSocket-Accept"];

    [Test]
    public async Task A_good_upgrade_is_answered_the_same_on_both_paths_and_serves_the_chat()
    {
        const string key = "dGhlIHNhbXBsZSBub25jZQ==";
        var answers = await BothAsync([], server => Upgrade(server, key: key));

        Assert.That(answers[Below].Status, Is.EqualTo(101));
        Assert.That(answers[Below].Header("Sec-WebSocket-Accept"), Is.EqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "RFC 6455's example");
        AssertSame(answers);

        foreach (var option in new[] { Below, Http })
        {
            await using var server = await StartAsync(option, []);
            await using var alice = await server.ConnectAndJoinAsync("alice", "lobby");
            await alice.SendJsonAsync(new { type = "send", room_id = "lobby", content = "hi", client_msg_id = "m1" });
            var message = await alice.ReceiveTypeAsync("message", "lobby");
            var ack = await alice.ReceiveTypeAsync("ack", "lobby");

            Assert.That(message.GetProperty("content").GetString(), Is.EqualTo("hi"), option);
            Assert.That(ack.GetProperty("client_msg_id").GetString(), Is.EqualTo("m1"), option);
        }
    }

    [TestCase("missing key", 400)]
    [TestCase("bad key", 400)]
    [TestCase("version 8", 426)]
    [TestCase("bad origin", 403)]
    public async Task A_bad_handshake_is_refused_the_same_on_both_paths(string flaw, int status)
    {
        var settings = new Dictionary<string, string?> { ["Chat:AllowedOrigins:0"] = "https://chat.example" };
        var answers = await BothAsync(settings, server => flaw switch
        {
            "missing key" => Upgrade(server, key: null),
            "bad key" => Upgrade(server, key: "c2hvcnQ="),
            "version 8" => Upgrade(server, version: "8"),
            _ => Upgrade(server, extra: "Origin: https://evil.example\r\n"),
        });

        Assert.That(answers[Below].Status, Is.EqualTo(status));
        Assert.That(answers[Below].Body, Is.Not.Empty);
        AssertSame(answers);
        if (status == 426)
        {
            Assert.That(answers[Below].Header("Sec-WebSocket-Version"), Is.EqualTo("13"));
        }
    }

    [TestCase("missing")]
    [TestCase("bad_signature")]
    [TestCase("expired")]
    public async Task A_refused_token_gets_the_same_problem_on_both_paths(string reason)
    {
        var token = reason switch
        {
            "missing" => null,
            "bad_signature" => TestTokens.For("alice", key: new string('k', 48)),
            _ => TestTokens.For("alice", lifetime: TimeSpan.FromSeconds(-30), change: d => d.NotBefore = DateTime.UtcNow.AddMinutes(-2)),
        };
        var answers = await BothAsync(TestTokens.Settings(), server => Upgrade(server, query: token is null ? "" : $"?access_token={token}"));

        Assert.That(answers[Below].Status, Is.EqualTo(401));
        Assert.That(answers[Below].Header("Content-Type"), Does.StartWith("application/problem+json"));
        Assert.That(TestTokens.ReasonOf(answers[Below].Body), Is.EqualTo(reason));
        AssertSame(answers);
    }

    [Test]
    public async Task A_valid_bearer_header_is_upgraded_below_HTTP()
    {
        await using var server = await StartAsync(Below, TestTokens.Settings());
        await using var connection = await RawHttpConnection.OpenAsync(server.BaseUri);

        await connection.SendAsync(Upgrade(server, query: "?room=lobby", extra: $"Authorization: Bearer {TestTokens.For("alice")}\r\n"));
        var answer = await connection.ReadAnswerAsync();
        var joined = await RawWebSocketClient.Over(connection).ReceiveTextAsync();

        Assert.That(answer.Status, Is.EqualTo(101));
        Assert.That(joined, Does.Contain("\"joined\"").And.Contain("alice"));
    }

    [Test]
    public async Task The_per_user_limit_is_answered_the_same_on_both_paths()
    {
        var token = TestTokens.For("alice");
        var answers = await BothAsync(
            TestTokens.Settings(("Auth:MaxConnectionsPerUser", "1")),
            server => Upgrade(server, query: $"?access_token={token}"),
            server => server.ConnectWithTokenAsync(token));

        Assert.That(answers[Below].Status, Is.EqualTo(429));
        Assert.That(TestTokens.ReasonOf(answers[Below].Body), Is.EqualTo("user_connection_limit"));
        AssertSame(answers);
    }

    [Test]
    public async Task The_connection_limit_is_answered_the_same_on_both_paths()
    {
        var answers = await BothAsync(
            new Dictionary<string, string?> { ["Chat:MaxConnections"] = "1" },
            server => Upgrade(server),
            server => server.ConnectAsync("first"));

        Assert.That(answers[Below].Status, Is.EqualTo(503));
        Assert.That(answers[Below].Body, Is.EqualTo("connection limit reached"));
        AssertSame(answers);
    }

    [Test]
    public async Task Refusals_and_connections_below_HTTP_are_counted_in_the_metrics()
    {
        await using var server = await StartAsync(Below, new Dictionary<string, string?> { ["Chat:AllowedOrigins:0"] = "https://chat.example" });
        await using (var refused = await RawHttpConnection.OpenAsync(server.BaseUri))
        {
            await refused.SendAsync(Upgrade(server, extra: "Origin: https://evil.example\r\n"));
            await refused.ReadAnswerAsync();
        }

        await using var alice = await server.ConnectAsync("alice");
        var scrape = await Eventually.ReturnsAsync(
            () => PrometheusScrape.GetAsync(server.BaseUri),
            scrape => scrape.Sum("chatsocket_connections_active") == 1,
            "the connection counted");

        Assert.That(scrape.Sum("chatsocket_connections_rejected_total", ("reason", "origin")), Is.EqualTo(1));
    }

    [Test]
    public async Task A_refusal_below_HTTP_closes_the_connection()
    {
        await using var server = await StartAsync(Below, []);
        await using var connection = await RawHttpConnection.OpenAsync(server.BaseUri);

        await connection.SendAsync(Upgrade(server, version: "8"));
        var answer = await connection.ReadAnswerAsync();

        Assert.That(answer.Header("Connection"), Is.EqualTo("close"));
        Assert.That(await connection.IsClosedByServerAsync(), Is.True);
    }

    [Test]
    public async Task With_the_option_on_an_upgrade_never_reaches_Kestrels_HTTP_layer()
    {
        foreach (var option in new[] { Below, Http })
        {
            var logs = new CapturingLoggerProvider();
            var settings = new Dictionary<string, string?>
            {
                ["Chat:UpgradeBelowHttp"] = option,
                ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
            };
            await using (var server = await ChatServer.StartAsync(settings, builder => builder.Logging.AddProvider(logs)))
            {
                await using var alice = await server.ConnectAsync("alice");
                await alice.SendJsonAsync(new { type = "join", room_id = "lobby" });
                await alice.ReceiveTypeAsync("joined", "lobby");
            }

            var requestLogged = logs.Entries.Any(entry => entry.Contains("Request starting HTTP/1.1 GET", StringComparison.Ordinal) && entry.Contains("/ws", StringComparison.Ordinal));
            Assert.That(requestLogged, Is.EqualTo(option == Http), $"Chat:UpgradeBelowHttp={option}");
        }
    }

    [Test]
    public async Task Other_requests_on_the_same_listener_are_served_by_Kestrel_with_keep_alive()
    {
        await using var server = await StartAsync(Below, []);
        await using var connection = await RawHttpConnection.OpenAsync(server.BaseUri);

        // GET /ws without upgrade headers is no WebSocket request: Kestrel's endpoint refuses it and keeps the
        // connection, which then serves a health check and, later on the same connection, an upgrade.
        await connection.SendAsync($"GET /ws HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\n\r\n");
        var plainGet = await connection.ReadAnswerAsync();
        await connection.SendAsync($"GET /health/live HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\n\r\n");
        var health = await connection.ReadAnswerAsync();
        await connection.SendAsync(Upgrade(server, query: "?room=lobby"));
        var upgrade = await connection.ReadAnswerAsync();
        var joined = await RawWebSocketClient.Over(connection).ReceiveTextAsync();

        Assert.That(plainGet.Status, Is.EqualTo(400));
        Assert.That(plainGet.Body, Is.EqualTo("expected Connection: Upgrade and Upgrade: websocket"));
        Assert.That(plainGet.Header("Connection"), Is.Not.EqualTo("close"));
        Assert.That(health.Status, Is.EqualTo(200));
        Assert.That(upgrade.Status, Is.EqualTo(101));
        Assert.That(joined, Does.Contain("\"joined\""));
    }

    [Test]
    public async Task A_head_that_arrives_byte_by_byte_is_still_upgraded()
    {
        await using var server = await StartAsync(Below, []);
        await using var connection = await RawHttpConnection.OpenAsync(server.BaseUri);

        await connection.SendAsync(Upgrade(server, query: "?room=lobby&user=slow"), pieceSize: 1);
        var answer = await connection.ReadAnswerAsync();
        var joined = await RawWebSocketClient.Over(connection).ReceiveTextAsync();

        Assert.That(answer.Status, Is.EqualTo(101));
        Assert.That(joined, Does.Contain("\"joined\""));
    }

    [Test]
    public async Task A_request_split_before_the_path_is_decided_still_reaches_Kestrel()
    {
        await using var server = await StartAsync(Below, []);
        await using var connection = await RawHttpConnection.OpenAsync(server.BaseUri);

        // "GET /w" could still be /ws: the peek waits, then sees /health/live and hands every byte to Kestrel.
        await connection.SendAsync($"GET /health/live HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\n\r\n", pieceSize: 3);
        var answer = await connection.ReadAnswerAsync();

        Assert.That(answer.Status, Is.EqualTo(200));
    }

    [TestCase("", "", TestName = "A connection that sends nothing is closed by Kestrel's keep-alive timeout, not held by the peek")]
    [TestCase("GET /ws HTTP/1.1\r\nHost: a\r\n", "HTTP/1.1 408", TestName = "A head that stops halfway gets Kestrel's 408, not held by the peek")]
    public async Task A_silent_client_is_handed_to_Kestrels_timeouts(string partialHead, string answer)
    {
        // Short limits, so that the test sees the close well within its deadline (Kestrel's defaults: 30 s, 130 s).
        await using var server = await ChatServer.StartAsync(
            new Dictionary<string, string?> { ["Chat:UpgradeBelowHttp"] = Below },
            builder => builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(1);
                kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(2);
            }));
        await using var connection = await RawHttpConnection.OpenAsync(server.BaseUri);

        await connection.SendAsync(partialHead);

        Assert.That(await connection.ReadToCloseAsync(), Does.StartWith(answer));
    }

    [TestCase(10 * 1024, 101, TestName = "A head over the 8 KiB peek goes to Kestrel, which upgrades it")]
    [TestCase(40 * 1024, 431, TestName = "A head over Kestrel's own limit goes to Kestrel, which answers 431")]
    public async Task An_oversized_head_is_handed_to_Kestrel(int padding, int status)
    {
        await using var server = await StartAsync(Below, []);
        await using var connection = await RawHttpConnection.OpenAsync(server.BaseUri);

        await connection.SendAsync(Upgrade(server, extra: $"X-Padding: {new string('p', padding)}\r\n"), pieceSize: 4096);
        var answer = await connection.ReadAnswerAsync();

        Assert.That(answer.Status, Is.EqualTo(status));
    }

    [Test]
    public async Task ClientWebSocket_clients_with_the_option_off_still_connect()
    {
        await using var server = await StartAsync(Http, []);
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(server.WebSocketUri, CancellationToken.None).WaitAsync(ChatServer.Deadline);

        Assert.That(socket.State, Is.EqualTo(WebSocketState.Open));
    }

    private static Task<ChatServer> StartAsync(string option, Dictionary<string, string?> settings) =>
        ChatServer.StartAsync(new Dictionary<string, string?>(settings) { ["Chat:UpgradeBelowHttp"] = option });

    // The same request (made for each server: the Host header names its port) to a server with the option on and
    // to one with it off, after the optional arrangement (a connection held open during the request).
    private static async Task<Dictionary<string, RawHttpAnswer>> BothAsync(
        Dictionary<string, string?> settings, Func<ChatServer, string> request, Func<ChatServer, Task<ChatClient>>? holding = null)
    {
        var answers = new Dictionary<string, RawHttpAnswer>();
        foreach (var option in new[] { Below, Http })
        {
            await using var server = await StartAsync(option, settings);
            var held = holding is null ? null : await holding(server);
            try
            {
                await using var connection = await RawHttpConnection.OpenAsync(server.BaseUri);
                await connection.SendAsync(request(server));
                answers[option] = await connection.ReadAnswerAsync();
            }
            finally
            {
                if (held is not null)
                {
                    await held.DisposeAsync();
                }
            }
        }

        return answers;
    }

    private static void AssertSame(Dictionary<string, RawHttpAnswer> answers)
    {
        var (below, http) = (answers[Below], answers[Http]);
        Assert.That(below.Status, Is.EqualTo(http.Status), "status");
        Assert.That(below.Body, Is.EqualTo(http.Body), "body");
        foreach (var header in HeadersThatMatter.Where(h => h != "Connection" || below.Status == 101))
        {
            Assert.That(below.Header(header), Is.EqualTo(http.Header(header)), header);
        }
    }

    private static string Upgrade(ChatServer server, string query = "", string? key = "", string version = "13", string extra = "")
    {
        var request = new StringBuilder($"GET /ws{query} HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\n")
            .Append("Connection: Upgrade\r\nUpgrade: websocket\r\n")
            .Append($"Sec-WebSocket-Version: {version}\r\n");
        if (key is not null)
        {
            request.Append($"Sec-WebSocket-Key: {(key.Length > 0 ? key : Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)))}\r\n");
        }

        return request.Append(extra).Append("\r\n").ToString();
    }
}
