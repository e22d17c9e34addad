using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Persistence;

/// <summary>MongoDB unreachable from the start: the server says so, chat goes on where it can, joins do not stall.</summary>
[TestFixture]
public sealed class UnreachableDatabaseTests
{
    [Test]
    public async Task With_MongoDB_unreachable_a_join_is_answered_from_memory_at_once_and_live_chat_goes_on()
    {
        // A port nobody listens on: connections are refused, so the driver's heartbeat fails at once.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Mongo"] = $"mongodb://127.0.0.1:{port}/?connectTimeoutMS=500",
            // Far longer than the receive deadlines below: an answer within them did not wait for server selection.
            ["Mongo:ServerSelectionTimeout"] = "00:02:00",
        });
        await using var alice = await server.ConnectAsync("alice");
        await using var bob = await server.ConnectAsync("bob");
        using var http = server.CreateHttpClient();

        var notReady = await Eventually.ReturnsAsync(() => http.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, "readiness to report the database");
        await alice.SendJsonAsync(new { type = "join", room_id = "dark", history = 10 });
        var answer = await alice.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "history", TimeSpan.FromSeconds(20));
        var readiness = JsonDocument.Parse(await notReady.Content.ReadAsStringAsync()).RootElement;

        // What memory has (nothing yet), with has_more: the database may hold older messages.
        Assert.That(answer.GetProperty("type").GetString(), Is.EqualTo("history"), answer.ToString());
        Assert.That(answer.GetProperty("has_more").GetBoolean(), Is.True);
        Assert.That(readiness.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "mongo").GetProperty("status").GetString(), Is.EqualTo("Unhealthy"));

        // A join that asks for no history reads nothing; messages without client_msg_id are broadcast and wait in
        // the queue; a resume cannot be answered without the database and is refused at once.
        await alice.SendJsonAsync(new { type = "join", room_id = "live", history = 0 });
        await bob.SendJsonAsync(new { type = "join", room_id = "live", history = 0 });
        await bob.ReceiveTypeAsync("joined", "live", TimeSpan.FromSeconds(20));
        var before = MongoDB.Bson.ObjectId.GenerateNewId(DateTime.UtcNow.AddMinutes(-1)).ToString();
        await alice.SendJsonAsync(new { type = "send", room_id = "live", content = "still here" });
        var live = await bob.ReceiveTypeAsync("message", "live", TimeSpan.FromSeconds(20));
        await bob.SendJsonAsync(new { type = "join", room_id = "live", since = before });
        var resume = await bob.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "history", TimeSpan.FromSeconds(20));
        Assert.That(live.GetProperty("content").GetString(), Is.EqualTo("still here"));
        Assert.That(resume.GetProperty("code").GetString(), Is.EqualTo("unavailable"), resume.ToString());
    }
}
