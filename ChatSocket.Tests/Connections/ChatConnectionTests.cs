using ChatSocket.Connections;
using Microsoft.Extensions.Logging;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Connections;

[TestFixture]
public sealed class ChatConnectionTests
{
    [Test]
    public async Task A_client_that_never_answers_the_close_is_dropped_at_the_close_deadline_and_that_is_logged_in_its_scope()
    {
        var logs = new CapturingLoggerProvider();
        var settings = new Dictionary<string, string?>
        {
            ["Chat:CloseTimeout"] = "00:00:00.200",
            ["Logging:LogLevel:ChatSocket"] = "Debug",
        };
        await using var server = await ChatServer.StartAsync(settings, builder => builder.Logging.AddProvider(logs));
        var (client, _) = await RawWebSocketClient.ConnectAsync(server.WebSocketUri);
        await using var __ = client;

        // A binary frame is refused with 1003; the client never sends its own close frame.
        await client.SendFrameAsync(0x82, [1, 2, 3]);
        Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(1003));

        Assert.That(await IsDroppedAsync(client), Is.True, "the server dropped the TCP connection");
        var timedOut = await Eventually.ReturnsAsync(
            () => Task.FromResult(logs.Entries.FirstOrDefault(entry => entry.Contains("did not finish its close handshake in time", StringComparison.Ordinal))),
            entry => entry is not null,
            "the close timeout's log entry");
        Assert.That(timedOut, Does.Contain("| scope ").And.Contain("ConnectionId="), "logged in the connection's scope");
    }

    [Test]
    public async Task What_a_connection_logs_while_handling_a_request_and_when_it_ends_carries_its_scope()
    {
        var logs = new CapturingLoggerProvider();
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:ChatSocket"] = "Debug" };
        await using (var server = await ChatServer.StartAsync(settings, builder => builder.Logging.AddProvider(logs)))
        {
            var (client, _) = await RawWebSocketClient.ConnectAsync(server.WebSocketUri);
            await using var __ = client;
            await client.SendFrameAsync(0x82, [1, 2, 3]);
            Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(1003));
            await client.SendFrameAsync(0x88, [0x03, 0xEB]);
            Assert.That(await client.ReadToEndAsync(), Is.Zero);
            await Eventually.ReturnsAsync(() => Task.FromResult(server.GetRequiredService<ConnectionRegistry>().Count), count => count == 0, "the connection leaving the registry");
        }

        foreach (var message in new[] { " opened for ", " broke the protocol, closing with 1003", " ended" })
        {
            var entry = logs.Entries.FirstOrDefault(e => e.Contains(message, StringComparison.Ordinal));
            Assert.That(entry, Is.Not.Null, message);
            Assert.That(entry, Does.Contain("| scope ").And.Contain("ConnectionId="), message);
        }
    }

    [Test]
    public async Task Connections_leave_the_registry_when_they_end()
    {
        await using var server = await ChatServer.StartAsync();
        var registry = server.GetRequiredService<ConnectionRegistry>();
        var clients = new List<ChatClient>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await server.ConnectAndJoinAsync($"user{i}", "lobby"));
        }

        Assert.That(registry.Count, Is.EqualTo(3));
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        await Eventually.ReturnsAsync(() => Task.FromResult(registry.Count), count => count == 0, "every connection leaving the registry");
    }

    // Reads until the server ends the connection: true when it did, by a close or a reset (an aborted connection).
    private static async Task<bool> IsDroppedAsync(RawWebSocketClient client)
    {
        try
        {
            return await client.ReadToEndAsync() == 0;
        }
        catch (IOException)
        {
            // The server aborted the connection: the kernel answered the unread bytes with a reset.
            return true;
        }
    }
}
