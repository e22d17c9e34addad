using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Connections;

[TestFixture]
public sealed class KeepAliveTests
{
    private static Dictionary<string, string?> FastKeepAlive => new()
    {
        ["Chat:PingInterval"] = "00:00:00.100",
        ["Chat:IdleTimeout"] = "00:00:00.600",
    };

    [Test]
    public async Task A_quiet_client_is_pinged_and_closed_when_it_never_answers()
    {
        await using var server = await ChatServer.StartAsync(FastKeepAlive);
        var (client, _) = await RawWebSocketClient.ConnectAsync(server.WebSocketUri);
        await using var __ = client;

        var (opcode, _) = await client.ReceiveFrameAsync();
        Assert.That(opcode, Is.EqualTo(0x9), "a ping comes first");
        Assert.That(await client.ReceiveCloseCodeAsync(), Is.EqualTo(1001));
    }

    [Test]
    public async Task A_client_answering_pings_stays_connected_past_the_idle_timeout()
    {
        await using var server = await ChatServer.StartAsync(FastKeepAlive);
        var (client, _) = await RawWebSocketClient.ConnectAsync(server.WebSocketUri);
        await using var __ = client;

        // Twenty pings take at least 20 x 100 ms, over three idle timeouts.
        for (var pings = 0; pings < 20;)
        {
            var (opcode, payload) = await client.ReceiveFrameAsync();
            Assert.That(opcode, Is.Not.EqualTo(0x8), "no close while the client answers");
            if (opcode == 0x9)
            {
                pings++;
                await client.SendFrameAsync(0x8A, payload);
            }
        }

        await client.SendTextAsync("""{"type":"ping"}"""u8);
        Assert.That(await client.ReceiveTextAsync(), Is.EqualTo("""{"type":"pong"}"""));
    }
}
