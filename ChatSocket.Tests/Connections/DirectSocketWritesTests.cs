using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Connections;

/// <summary>
/// The send loop's two ways to the socket below the HTTP layer, gather sends straight to the socket
/// (<c>Chat:DirectSocketWrites</c>, the default) and Kestrel's output pipe: a burst of broadcasts, big and small,
/// reaches a framework <c>ClientWebSocket</c> whole and in order either way.
/// </summary>
[TestFixture]
public sealed class DirectSocketWritesTests
{
    [TestCase(true)]
    [TestCase(false)]
    public async Task A_burst_of_small_and_large_broadcasts_arrives_whole_and_in_order(bool direct)
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:MessagesPerSecond"] = "100000",
            ["Chat:MessageBurst"] = "100000",
            ["Chat:DirectSocketWrites"] = direct ? "true" : "false",
        });
        await using var alice = await server.ConnectAndJoinAsync("alice", "burst");
        await using var bob = await server.ConnectAndJoinAsync("bob", "burst");
        var contents = Enumerable.Range(0, 300).Select(i => i % 50 == 0 ? new string((char)('a' + i % 26), 3_900) : $"m{i}").ToList();

        foreach (var content in contents)
        {
            await alice.SendJsonAsync(new { type = "send", room_id = "burst", content });
        }

        var seenByBob = await bob.ReceiveMessagesAsync("burst", contents.Count);
        var seenByAlice = await alice.ReceiveMessagesAsync("burst", contents.Count);

        Assert.That(seenByBob.Select(m => m.GetProperty("content").GetString()), Is.EqualTo(contents));
        Assert.That(seenByAlice.Select(m => m.GetProperty("id").GetString()), Is.EqualTo(seenByBob.Select(m => m.GetProperty("id").GetString())));
    }
}
