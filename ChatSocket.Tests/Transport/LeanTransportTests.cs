using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Transport;

/// <summary>
/// The server on its own lean transport (<c>Chat:LeanTransport</c>, issue 11) as a client sees it: Kestrel takes it
/// for TCP listeners, and a WebSocket served on the socket itself still reads bytes sent before the 101.
/// </summary>
[TestFixture]
public sealed class LeanTransportTests
{
    [TestCase("true", true)]
    [TestCase("false", false)]
    public async Task Kestrel_serves_tcp_listeners_on_the_lean_transport_unless_it_is_off(string option, bool lean)
    {
        var logs = new CapturingLoggerProvider();
        var settings = new Dictionary<string, string?>
        {
            ["Chat:LeanTransport"] = option,
            ["Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel.Connections"] = "Debug",
        };
        await using (var server = await ChatServer.StartAsync(settings, builder => builder.Logging.AddProvider(logs)))
        {
            using var http = server.CreateHttpClient();
            using var answer = await http.GetAsync(new Uri("/health/live", UriKind.Relative));
            Assert.That(answer.IsSuccessStatusCode, Is.True);
            await using var alice = await server.ConnectAndJoinAsync("alice", "lobby");
        }

        // Kestrel logs each connection's id; the lean transport's ids are its own ("L" and a counter).
        var started = logs.Entries.Where(entry => entry.Contains("Connection id \"", StringComparison.Ordinal) && entry.Contains("\" started", StringComparison.Ordinal)).ToList();
        Assert.That(started, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(started.All(entry => entry.Contains("Connection id \"L", StringComparison.Ordinal)), Is.EqualTo(lean), string.Join("\n", started));
    }

    [TestCase("true")]
    [TestCase("false")]
    public async Task A_frame_sent_in_the_same_write_as_the_upgrade_request_is_read(string leanTransport)
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Chat:LeanTransport"] = leanTransport });
        await using var connection = await RawHttpConnection.OpenAsync(server.BaseUri);
        var head = Encoding.ASCII.GetBytes(
            $"GET /ws?user=ann HTTP/1.1\r\nHost: {server.BaseUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        var join = MaskedText("{\"type\":\"join\",\"room_id\":\"early\"}");

        await connection.Stream.WriteAsync((byte[])[.. head, .. join]).AsTask().WaitAsync(ChatServer.Deadline);
        var upgrade = await connection.ReadAnswerAsync();
        var client = RawWebSocketClient.Over(connection);
        string joined;
        do
        {
            joined = await client.ReceiveTextAsync();
        }
        while (!joined.Contains("\"joined\"", StringComparison.Ordinal));

        Assert.That(upgrade.Status, Is.EqualTo(101));
        Assert.That(JsonDocument.Parse(joined).RootElement.GetProperty("room_id").GetString(), Is.EqualTo("early"));
    }

    [Test]
    public async Task A_detached_websocket_logs_under_its_own_connection_scope_and_not_kestrels()
    {
        var logs = new CapturingLoggerProvider();
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:ChatSocket.Connections"] = "Debug" };
        await using (var server = await ChatServer.StartAsync(settings, builder => builder.Logging.AddProvider(logs)))
        {
            var (client, status) = await RawWebSocketClient.ConnectAsync(server.WebSocketUriFor("alice"));
            await using var _ = client;
            Assert.That(status, Is.EqualTo(101));

            // An unmasked client frame breaks the protocol: the receive loop logs it, long after the upgrade.
            await client.SendFrameAsync(0x81, "{}"u8, mask: false);
            Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(1002));
        }

        var violation = logs.Entries.Single(entry => entry.Contains("broke the protocol", StringComparison.Ordinal));
        Assert.That(violation, Does.Match(@"\| scope .*Connection \d+ \(alice from "));
        Assert.That(violation, Does.Not.Contain("ConnectionId:"), "Kestrel's connection scope is left behind at the detach");
    }

    [TestCase("true", null, 4096)]
    [TestCase("false", null, 4096)]
    [TestCase("true", "100", 100)]
    [TestCase("false", "100", 100)]
    public async Task The_listener_has_the_configured_backlog_on_either_transport(string leanTransport, string? backlog, int expected)
    {
        var settings = new Dictionary<string, string?> { ["Chat:LeanTransport"] = leanTransport };
        if (backlog is not null)
        {
            settings["Chat:ListenBacklog"] = backlog;
        }

        await using var server = await ChatServer.StartAsync(settings);

        // For a listening socket, ss shows the backlog as Send-Q; the kernel caps it at net.core.somaxconn.
        var somaxconn = int.Parse(await File.ReadAllTextAsync("/proc/sys/net/core/somaxconn"), System.Globalization.CultureInfo.InvariantCulture);
        var listening = await RunAsync("ss", $"-ltnH sport = :{server.BaseUri.Port}");
        var sendQueue = listening.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[2];

        Assert.That(int.Parse(sendQueue, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(Math.Min(expected, somaxconn)), listening);
    }

    private static async Task<string> RunAsync(string command, string arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, arguments) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(ChatServer.Deadline);
        await process.WaitForExitAsync().WaitAsync(ChatServer.Deadline);
        return output;
    }

    private static byte[] MaskedText(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        Assert.That(payload, Has.Length.LessThan(126));
        var mask = RandomNumberGenerator.GetBytes(4);
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = 0x81;
        frame[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        return frame;
    }
}
