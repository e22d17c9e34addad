using System.Net;
using System.Net.Sockets;
using ChatSocket.EmbeddedMongo;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Hosting;

/// <summary>The zero-setup store: a stable port that is never shared, and a server that starts when it is taken.</summary>
[TestFixture]
public sealed class EmbeddedStoreTests
{
    [Test]
    public async Task A_second_engine_cannot_bind_the_port_of_a_running_one()
    {
        await using var first = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions()).WaitAsync(ChatServer.Deadline);

        // Sharing it (SO_REUSEPORT) would let the kernel hand half of the connections to the wrong store.
        Assert.That(
            async () => await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions { Port = first.Port }).WaitAsync(ChatServer.Deadline),
            Throws.InstanceOf<SocketException>().Or.InstanceOf<IOException>());
    }

    [Test]
    public async Task When_the_embedded_port_is_taken_the_server_starts_on_a_free_one_and_stores_messages()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            // No connection string: the embedded store, in memory, on a port something else holds.
            ["ConnectionStrings:Mongo"] = "",
            ["Embedded:DataDirectory"] = "",
            ["Embedded:Port"] = taken.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await using var alice = await server.ConnectAndJoinAsync("alice", "lobby");

        await alice.SendJsonAsync(new { type = "send", room_id = "lobby", content = "stored anyway", client_msg_id = "c-1" });
        var ack = await alice.ReceiveTypeAsync("ack", "lobby");

        Assert.That(ack.GetProperty("client_msg_id").GetString(), Is.EqualTo("c-1"));
    }
}
