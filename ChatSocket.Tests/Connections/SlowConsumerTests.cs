using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Connections;

[TestFixture]
public sealed class SlowConsumerTests
{
    [Test]
    public async Task A_client_that_stops_reading_is_closed_with_1013_while_the_others_receive_every_message()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:SendQueueCapacity"] = "32",
            ["Chat:MessagesPerSecond"] = "1000000",
            ["Chat:MessageBurst"] = "1000000",
            // Long enough that the stuck client can still read its close frame when it wakes up.
            ["Chat:CloseTimeout"] = "00:01:00",
        });
        var metrics = server.GetRequiredService<ChatMetrics>();
        await using var alice = await server.ConnectAndJoinAsync("alice", "slow");
        await using var stuck = await server.ConnectAsync("stuck", room: "slow", new ChatClientOptions { StartReceiving = false, ReceiveBufferSize = 4096 });
        await alice.ReceiveAsync(f => f.GetProperty("type").GetString() == "presence" && f.GetProperty("user").GetString() == "stuck");

        // Send until the stuck client's kernel buffers, Kestrel's pipe and then its queue are full.
        var content = new string('x', 3000);
        var sent = 0;
        while (metrics.SlowConsumersTotal == 0 && sent < 20_000)
        {
            // Five at a time, each batch read back up to its last ack, so that the reading member's queue never
            // holds more than ten frames (five messages, five acks) even on a loaded machine.
            for (var i = 0; i < 5; i++, sent++)
            {
                await alice.SendJsonAsync(new { type = "send", room_id = "slow", content, client_msg_id = $"m{sent}" });
            }

            var lastOfBatch = $"m{sent - 1}";
            await alice.ReceiveAsync(f => f.GetProperty("type").GetString() == "ack" && f.GetProperty("client_msg_id").GetString() == lastOfBatch);
        }

        Assert.That(metrics.SlowConsumersTotal, Is.EqualTo(1), "the stuck client was found slow");
        stuck.StartReceiving();
        Assert.That((int?)await stuck.WaitForCloseAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(1013));
        Assert.That(stuck.CloseDescription, Is.EqualTo("slow consumer"));

        var leave = await alice.ReceiveAsync(f => f.GetProperty("type").GetString() == "presence" && f.GetProperty("event").GetString() == "leave");
        Assert.That(leave.GetProperty("user").GetString(), Is.EqualTo("stuck"));
    }

    [Test]
    public async Task Everyone_else_keeps_receiving_every_message_in_order_while_a_member_is_stuck()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:MessagesPerSecond"] = "1000000",
            ["Chat:MessageBurst"] = "1000000",
        });
        var metrics = server.GetRequiredService<ChatMetrics>();
        await using var alice = await server.ConnectAndJoinAsync("alice", "steady");
        await using var bob = await server.ConnectAndJoinAsync("bob", "steady");
        await using var stuck = await server.ConnectAsync("stuck", room: "steady", new ChatClientOptions { StartReceiving = false, ReceiveBufferSize = 4096 });
        await bob.ReceiveAsync(f => f.GetProperty("type").GetString() == "presence" && f.GetProperty("user").GetString() == "stuck");

        var content = new string('y', 2000);
        const int count = 3000;
        var received = new List<System.Text.Json.JsonElement>();
        while (received.Count < count)
        {
            // Fifty at a time, each batch read back by bob, so that only the stuck member falls behind.
            for (var i = received.Count; i < received.Count + 50; i++)
            {
                await alice.SendJsonAsync(new { type = "send", room_id = "steady", content, client_msg_id = $"s{i}" });
            }

            received.AddRange(await bob.ReceiveMessagesAsync("steady", 50));
        }

        Assert.That(received.Select(m => m.GetProperty("client_msg_id").GetString()), Is.EqualTo(Enumerable.Range(0, count).Select(i => $"s{i}")));
        Assert.That(metrics.SlowConsumersTotal, Is.LessThanOrEqualTo(1));
    }
}
