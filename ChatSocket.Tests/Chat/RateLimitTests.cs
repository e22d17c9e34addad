using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Chat;

[TestFixture]
public sealed class RateLimitTests
{
    [Test]
    public async Task Frames_beyond_the_burst_are_rate_limited_and_the_connection_recovers()
    {
        // A very slow refill, so that no token comes back while the test runs on a loaded machine.
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:MessagesPerSecond"] = "0.01",
            ["Chat:MessageBurst"] = "5",
        });
        await using var client = await server.ConnectAsync("fast", room: "rl");
        await client.ReceiveTypeAsync("history", "rl");

        for (var i = 0; i < 6; i++)
        {
            await client.SendJsonAsync(new { type = "send", room_id = "rl", content = $"m{i}", client_msg_id = $"id{i}" });
        }

        var delivered = await client.ReceiveMessagesAsync("rl", 5);
        var error = await client.ReceiveTypeAsync("error");
        Assert.That(delivered.Select(m => m.GetProperty("content").GetString()), Is.EqualTo(new[] { "m0", "m1", "m2", "m3", "m4" }));
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("rate_limited"));
        Assert.That(error.GetProperty("ref").GetString(), Is.EqualTo("id5"));
    }

    [Test]
    public async Task A_rate_limited_connection_sends_again_once_tokens_refill()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:MessagesPerSecond"] = "20",
            ["Chat:MessageBurst"] = "1",
        });
        await using var client = await server.ConnectAsync("fast", room: "rl");
        await client.ReceiveTypeAsync("history", "rl");

        var limited = false;
        for (var i = 0; i < 50 && !limited; i++)
        {
            await client.SendJsonAsync(new { type = "send", room_id = "rl", content = "burst" });
            var reply = await client.ReceiveAsync(f => f.GetProperty("type").GetString() is "message" or "error");
            limited = reply.GetProperty("type").GetString() == "error";
        }

        Assert.That(limited, Is.True, "sending back to back hits the limit");
        var sent = false;
        for (var attempt = 0; attempt < 200 && !sent; attempt++)
        {
            await Task.Delay(50);
            await client.SendJsonAsync(new { type = "send", room_id = "rl", content = "later" });
            var reply = await client.ReceiveAsync(f => f.GetProperty("type").GetString() is "message" or "error");
            sent = reply.GetProperty("type").GetString() == "message";
        }

        Assert.That(sent, Is.True, "a refilled bucket lets a message through");
    }
}
