using ChatSocket.Connections;
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
    public async Task Shutdown_closes_every_client_with_1001()
    {
        var server = await ChatServer.StartAsync();
        await using var alice = await server.ConnectAsync("alice", room: "bye");
        await using var bob = await server.ConnectAsync("bob");

        var stopping = server.StopAsync();

        Assert.That((int?)await alice.WaitForCloseAsync(), Is.EqualTo(1001));
        Assert.That((int?)await bob.WaitForCloseAsync(), Is.EqualTo(1001));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        await server.DisposeAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(ChatServer.Deadline);
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
