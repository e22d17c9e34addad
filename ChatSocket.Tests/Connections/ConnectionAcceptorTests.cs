using System.Text;
using ChatSocket.Chat;
using ChatSocket.Connections;
using ChatSocket.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Connections;

[TestFixture]
public sealed class ConnectionAcceptorTests
{
    [Test]
    public async Task A_disallowed_origin_is_refused_with_403_before_the_upgrade()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Chat:AllowedOrigins:0"] = "https://chat.example" });

        var (client, status) = await RawWebSocketClient.ConnectAsync(server.WebSocketUri, origin: "https://evil.example");
        await client.DisposeAsync();

        Assert.That(status, Is.EqualTo(403));
    }

    [TestCase("https://chat.example", TestName = "An allow-listed origin is upgraded")]
    [TestCase(null, TestName = "A client without an Origin header is upgraded")]
    public async Task Allowed_origins_are_upgraded(string? origin)
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Chat:AllowedOrigins:0"] = "https://chat.example" });

        var (client, status) = await RawWebSocketClient.ConnectAsync(server.WebSocketUri, origin);
        await client.DisposeAsync();

        Assert.That(status, Is.EqualTo(101));
    }

    [Test]
    public async Task The_servers_own_origin_is_upgraded()
    {
        await using var server = await ChatServer.StartAsync();

        var (client, status) = await RawWebSocketClient.ConnectAsync(server.WebSocketUri, origin: server.BaseUri.GetLeftPart(UriPartial.Authority));
        await client.DisposeAsync();

        Assert.That(status, Is.EqualTo(101));
    }

    [Test]
    public async Task Upgrades_over_the_connection_limit_get_503_until_a_slot_frees()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Chat:MaxConnections"] = "2" });
        await using var first = await server.ConnectAsync("one");
        var second = await server.ConnectAsync("two");

        var (refused, status) = await RawWebSocketClient.ConnectAsync(server.WebSocketUri);
        await refused.DisposeAsync();
        Assert.That(status, Is.EqualTo(503));

        await second.DisposeAsync();
        var registry = server.GetRequiredService<ConnectionRegistry>();
        await WaitUntilAsync(() => registry.Count < 2);
        var (admitted, statusAfter) = await RawWebSocketClient.ConnectAsync(server.WebSocketUri);
        await admitted.DisposeAsync();
        Assert.That(statusAfter, Is.EqualTo(101));
    }

    [Test]
    public async Task Shutdown_closes_every_client_with_1001_and_says_how_many()
    {
        var logs = new CapturingLoggerProvider();
        var server = await ChatServer.StartAsync(configure: builder => builder.Logging.AddProvider(logs));
        await using var alice = await server.ConnectAsync("alice", room: "bye");
        await using var bob = await server.ConnectAsync("bob");
        await WaitUntilAsync(() => server.GetRequiredService<ConnectionRegistry>().Count == 2);

        var stopping = server.StopAsync();

        Assert.That((int?)await alice.WaitForCloseAsync(), Is.EqualTo(1001));
        Assert.That((int?)await bob.WaitForCloseAsync(), Is.EqualTo(1001));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        await server.DisposeAsync();
        Assert.That(logs.Entries, Has.One.Contains("Shutting down: closing 2 client connections (1001)"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(ChatServer.Deadline);
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    [Test]
    public async Task A_stopping_server_refuses_an_upgrade_with_503_whichever_layer_parsed_it()
    {
        await using var server = await ChatServer.StartAsync();
        var acceptor = new ConnectionAcceptor(
            server.GetRequiredService<ConnectionRegistry>(),
            server.GetRequiredService<UserConnectionCounts>(),
            server.GetRequiredService<TokenValidator>(),
            server.GetRequiredService<ChatRequestHandler>(),
            server.GetRequiredService<ChatMetrics>(),
            server.GetRequiredService<SendBacklog>(),
            new StoppingLifetime(),
            server.GetRequiredService<IOptions<ChatOptions>>(),
            server.GetRequiredService<ILogger<ChatConnection>>());
        var head = "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

        var admission = await acceptor.AdmitAsync(UpgradeHead.TryParse(Encoding.ASCII.GetBytes(head), null)!, CancellationToken.None).WaitAsync(ChatServer.Deadline);
        var context = new DefaultHttpContext { RequestServices = server.Services };
        context.Response.Body = new MemoryStream();
        await admission.Refusal!.WriteAsync(context).WaitAsync(ChatServer.Deadline);

        Assert.That(context.Response.StatusCode, Is.EqualTo(503));
        Assert.That(Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()), Is.EqualTo("shutting down"));
    }

    private sealed class StoppingLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping { get; } = new(canceled: true);

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
