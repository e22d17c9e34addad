using ChatSocket.Tests.Backplane;
using ChatSocket.Tests.Persistence;
using ChatSocket.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;
using ChatClient = ChatSocket.Client.ChatClient;

namespace ChatSocket.Tests.Client;

/// <summary>The library across nodes of one cluster (a real Redis backplane): when its node stops, a client moves to
/// another node and its streams and sends carry on without gap, duplicate or loss.</summary>
[TestFixture]
internal sealed class FailoverTests
{
    private RedisProcess _redis = null!;

    [OneTimeSetUp]
    public async Task StartRedisAsync() => _redis = await RedisProcess.StartAsync();

    [OneTimeTearDown]
    public async Task StopRedisAsync() => await _redis.DisposeAsync();

    [Test]
    [CancelAfter(60_000)]
    public async Task When_its_node_stops_a_client_moves_to_another_and_every_message_is_seen_once_in_order_and_stored_once()
    {
        const string room = "failover";
        const int perSender = 20;
        await using var cluster = await Cluster.StartAsync(_redis, 2);
        var (a, b) = (cluster.Nodes[0].Server, cluster.Nodes[1].Server);
        // Carol starts on node A and knows node B; Bob stays on node B.
        await using var bob = await ChatClient.ConnectAsync(b.WebSocketUri, ClientTestOptions.For("bob"));
        await using var carol = await ChatClient.ConnectAsync(a.WebSocketUri, new ChatSocket.Client.ChatClientOptions
        {
            User = "carol",
            Reconnect = ClientTestOptions.FastReconnect,
            FailoverEndpoints = [b.WebSocketUri],
        });
        var carolRoom = await carol.JoinAsync(room);
        var bobRoom = await bob.JoinAsync(room);
        var carolReads = RoomReader.ReadAsync(carolRoom, 2 * perSender, TimeSpan.FromSeconds(40));
        var bobReads = RoomReader.ReadAsync(bobRoom, 2 * perSender, TimeSpan.FromSeconds(40));

        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var carolSends = ResumeAcrossRestartTests.SendAllAsync(carolRoom, "carol", perSender, halfway);
        var bobSends = ResumeAcrossRestartTests.SendAllAsync(bobRoom, "bob", perSender, halfway: null);
        await halfway.Task.WaitAsync(ChatServer.Deadline);
        await a.StopAsync();

        var acked = (await Task.WhenAll(carolSends, bobSends).WaitAsync(TimeSpan.FromSeconds(40))).SelectMany(ids => ids).ToList();
        var seenByCarol = await carolReads;
        var seenByBob = await bobReads;
        var stored = await StoredMessages.Of(b).Find(Builders<BsonDocument>.Filter.Eq("room_id", room)).ToListAsync();

        var expected = Enumerable.Range(0, perSender).SelectMany(i => new[] { $"carol {i}", $"bob {i}" }).Order().ToList();
        Assert.Multiple(() =>
        {
            foreach (var (who, seen) in new[] { ("carol", seenByCarol), ("bob", seenByBob) })
            {
                Assert.That(seen.Select(m => m.Id), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal).And.Unique, $"{who} sees room order, each once");
                Assert.That(seen.Select(m => m.Content).Order(), Is.EqualTo(expected), $"{who} sees every message");
            }

            Assert.That(seenByCarol.Select(m => m.Id), Is.EqualTo(seenByBob.Select(m => m.Id)), "one order on both nodes");
            Assert.That(acked, Is.Unique.And.Count.EqualTo(2 * perSender), "every send acked with its own id");
            Assert.That(stored.Select(d => d["content"].AsString).Order(), Is.EqualTo(expected), "each stored once");
            Assert.That(stored.Select(d => d["_id"].AsObjectId.ToString()), Is.EquivalentTo(acked), "acked ids are the stored ones");
        });
    }
}
