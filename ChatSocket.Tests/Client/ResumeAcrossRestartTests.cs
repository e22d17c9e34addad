using ChatSocket.Client;
using ChatSocket.Tests.Persistence;
using ChatSocket.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;
using ChatClient = ChatSocket.Client.ChatClient;

namespace ChatSocket.Tests.Client;

/// <summary>The library's durability promises against the real server, restarted on the same database mid-stream.</summary>
[TestFixture]
internal sealed class ResumeAcrossRestartTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task Two_clients_sending_and_reading_across_a_server_restart_see_every_message_once_in_order_and_each_acked_send_is_stored_once()
    {
        const string room = "restart";
        const int perSender = 25;
        var server = await ChatServer.StartAsync(ClientTestOptions.Unlimited);
        try
        {
            await using var alice = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("alice"));
            await using var bob = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("bob"));
            var reconnects = 0;
            alice.StateChanged += (_, e) => Interlocked.Add(ref reconnects, e.State == ChatConnectionState.Reconnecting ? 1 : 0);
            bob.StateChanged += (_, e) => Interlocked.Add(ref reconnects, e.State == ChatConnectionState.Reconnecting ? 1 : 0);
            var aliceRoom = await alice.JoinAsync(room);
            var bobRoom = await bob.JoinAsync(room);
            var aliceReads = RoomReader.ReadAsync(aliceRoom, 2 * perSender, TimeSpan.FromSeconds(30));
            var bobReads = RoomReader.ReadAsync(bobRoom, 2 * perSender, TimeSpan.FromSeconds(30));

            var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var aliceSends = SendAllAsync(aliceRoom, "alice", perSender, halfway);
            var bobSends = SendAllAsync(bobRoom, "bob", perSender, halfway: null);
            await halfway.Task.WaitAsync(ChatServer.Deadline);
            server = await server.RestartAsync();

            var acked = (await Task.WhenAll(aliceSends, bobSends).WaitAsync(TimeSpan.FromSeconds(30))).SelectMany(ids => ids).ToList();
            var seenByAlice = await aliceReads;
            var seenByBob = await bobReads;
            var stored = await StoredMessages.Of(server)
                .Find(Builders<BsonDocument>.Filter.Eq("room_id", room))
                .ToListAsync();

            var expected = Enumerable.Range(0, perSender).SelectMany(i => new[] { $"alice {i}", $"bob {i}" }).Order().ToList();
            Assert.Multiple(() =>
            {
                foreach (var (who, seen) in new[] { ("alice", seenByAlice), ("bob", seenByBob) })
                {
                    Assert.That(seen.Select(m => m.Id), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal).And.Unique, $"{who} sees room order, each once");
                    Assert.That(seen.Select(m => m.Content).Order(), Is.EqualTo(expected), $"{who} sees every message");
                    Assert.That(seen.Where(m => m.Sender == "alice").Select(m => m.Content), Is.EqualTo(Enumerable.Range(0, perSender).Select(i => $"alice {i}")), $"{who}: alice's in the order she sent them");
                }

                Assert.That(acked, Is.Unique.And.Count.EqualTo(2 * perSender), "every send acked with its own id");
                Assert.That(stored.Select(d => d["content"].AsString).Order(), Is.EqualTo(expected), "each stored once");
                Assert.That(stored.Select(d => d["_id"].AsObjectId.ToString()), Is.EquivalentTo(acked), "acked ids are the stored ones");
                Assert.That(seenByAlice.Select(m => m.Id), Is.EquivalentTo(acked));
                Assert.That(reconnects, Is.EqualTo(2), "both clients lost their connection once");
            });
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task A_message_whose_ack_was_lost_is_resent_after_the_reconnect_and_stored_once()
    {
        const string room = "resend";
        var server = await ChatServer.StartAsync(ClientTestOptions.Unlimited);
        try
        {
            var acks = new AckGate();
            await using var dave = await ChatClient.ConnectAsync(server.WebSocketUri, ClientTestOptions.For("dave", acks));
            var daveRoom = await dave.JoinAsync(room);

            // The server stores and acks it, but the ack is lost: the client must send it again on the next connection.
            var sending = daveRoom.SendAsync("said once");
            await acks.WaitForDroppedAsync(1);
            acks.Open();
            server = await server.RestartAsync();
            var id = await sending.WaitAsync(ChatServer.Deadline);
            var after = await daveRoom.SendAsync("after the restart").WaitAsync(ChatServer.Deadline);

            var seen = await RoomReader.ReadAsync(daveRoom, 2);
            var stored = await StoredMessages.Of(server).Find(Builders<BsonDocument>.Filter.Eq("room_id", room)).SortBy(d => d["_id"]).ToListAsync();
            Assert.Multiple(() =>
            {
                Assert.That(seen.Select(m => (m.Id, m.Content)), Is.EqualTo(new[] { (id, "said once"), (after, "after the restart") }), "shown once, with the original id");
                Assert.That(stored.Select(d => (d["_id"].AsObjectId.ToString(), d["content"].AsString)), Is.EqualTo(new[] { (id, "said once"), (after, "after the restart") }), "stored once");
                Assert.That(dave.PendingSends, Is.Zero);
            });
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Sends "sender i" for each i below count, each after the previous was acked; the acked ids.</summary>
    internal static async Task<List<string>> SendAllAsync(ChatRoom room, string sender, int count, TaskCompletionSource? halfway)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await room.SendAsync($"{sender} {i}"));
            if (i == count / 2)
            {
                halfway?.TrySetResult();
            }
        }

        return ids;
    }
}
