using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Rooms;

[TestFixture]
public sealed class RoomBroadcastTests
{
    private ChatServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() =>
        _server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:MessagesPerSecond"] = "100000",
            ["Chat:MessageBurst"] = "100000",
        });

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task Two_clients_see_each_others_messages_in_the_same_id_order()
    {
        const int perClient = 200;
        await using var alice = await _server.ConnectAndJoinAsync("alice", "order");
        await using var bob = await _server.ConnectAndJoinAsync("bob", "order");

        var sending = Task.WhenAll(
            SendManyAsync(alice, "order", "a", perClient),
            SendManyAsync(bob, "order", "b", perClient));
        var seenByAlice = await alice.ReceiveMessagesAsync("order", 2 * perClient);
        var seenByBob = await bob.ReceiveMessagesAsync("order", 2 * perClient);
        await sending.WaitAsync(ChatServer.Deadline);

        var aliceIds = seenByAlice.Select(m => m.GetProperty("id").GetString()!).ToList();
        var bobIds = seenByBob.Select(m => m.GetProperty("id").GetString()!).ToList();
        Assert.That(bobIds, Is.EqualTo(aliceIds), "both members see one order");
        Assert.That(aliceIds, Is.Ordered.Using<string>(StringComparer.Ordinal), "that order is the order of the ids");
        Assert.That(aliceIds, Is.Unique);
        Assert.That(seenByAlice.Count(m => m.GetProperty("sender").GetString() == "bob"), Is.EqualTo(perClient));
        Assert.That(
            seenByAlice.Where(m => m.GetProperty("sender").GetString() == "alice").Select(m => m.GetProperty("content").GetString()),
            Is.EqualTo(Enumerable.Range(0, perClient).Select(i => $"a{i}")),
            "one sender's messages keep their sending order");
    }

    [Test]
    public async Task A_message_frame_carries_id_room_sender_content_timestamp_and_client_msg_id()
    {
        await using var alice = await _server.ConnectAndJoinAsync("alice", "shape");

        await alice.SendJsonAsync(new { type = "send", room_id = "shape", content = "hi", client_msg_id = "c-1" });
        var message = await alice.ReceiveTypeAsync("message", "shape");

        Assert.That(message.GetProperty("id").GetString(), Does.Match("^[0-9a-f]{24}$"));
        Assert.That(message.GetProperty("room_id").GetString(), Is.EqualTo("shape"));
        Assert.That(message.GetProperty("sender").GetString(), Is.EqualTo("alice"));
        Assert.That(message.GetProperty("content").GetString(), Is.EqualTo("hi"));
        Assert.That(message.GetProperty("timestamp").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"));
        Assert.That(message.GetProperty("client_msg_id").GetString(), Is.EqualTo("c-1"));
    }

    [Test]
    public async Task Rooms_are_isolated()
    {
        await using var alice = await _server.ConnectAndJoinAsync("alice", "iso-a");
        await using var bob = await _server.ConnectAndJoinAsync("bob", "iso-b");

        await alice.SendJsonAsync(new { type = "send", room_id = "iso-a", content = "only a" });
        await bob.SendJsonAsync(new { type = "send", room_id = "iso-b", content = "only b" });
        var aliceSees = await alice.ReceiveTypeAsync("message");
        var bobSees = await bob.ReceiveTypeAsync("message");

        Assert.That(aliceSees.GetProperty("content").GetString(), Is.EqualTo("only a"));
        Assert.That(bobSees.GetProperty("content").GetString(), Is.EqualTo("only b"));
        // A ping answered after the message proves nothing else was queued in between.
        await bob.SendJsonAsync(new { type = "ping" });
        var next = await bob.ReceiveAsync(f => f.GetProperty("type").GetString() is "pong" or "message");
        Assert.That(next.GetProperty("type").GetString(), Is.EqualTo("pong"));
    }

    [Test]
    public async Task Leave_stops_delivery()
    {
        await using var alice = await _server.ConnectAndJoinAsync("alice", "leave");
        await using var bob = await _server.ConnectAndJoinAsync("bob", "leave");

        await bob.SendJsonAsync(new { type = "leave", room_id = "leave" });
        await bob.ReceiveTypeAsync("left", "leave");
        await alice.SendJsonAsync(new { type = "send", room_id = "leave", content = "after bob left" });
        await alice.ReceiveTypeAsync("message", "leave");
        await bob.SendJsonAsync(new { type = "ping" });

        var next = await bob.ReceiveAsync(f => f.GetProperty("type").GetString() is "pong" or "message");
        Assert.That(next.GetProperty("type").GetString(), Is.EqualTo("pong"));
    }

    [Test]
    public async Task Members_see_presence_with_member_counts()
    {
        await using var alice = await _server.ConnectAndJoinAsync("alice", "presence");

        await using (var bob = await _server.ConnectAsync("bob"))
        {
            await bob.SendJsonAsync(new { type = "join", room_id = "presence" });
            var joined = await bob.ReceiveTypeAsync("joined", "presence");
            Assert.That(joined.GetProperty("members").GetInt32(), Is.EqualTo(2));

            var join = await alice.ReceiveTypeAsync("presence", "presence");
            Assert.That(join.GetProperty("user").GetString(), Is.EqualTo("bob"));
            Assert.That(join.GetProperty("event").GetString(), Is.EqualTo("join"));
            Assert.That(join.GetProperty("members").GetInt32(), Is.EqualTo(2));
        }

        var leave = await alice.ReceiveTypeAsync("presence", "presence");
        Assert.That(leave.GetProperty("user").GetString(), Is.EqualTo("bob"));
        Assert.That(leave.GetProperty("event").GetString(), Is.EqualTo("leave"));
        Assert.That(leave.GetProperty("members").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_connection_may_be_in_several_rooms_at_once()
    {
        await using var alice = await _server.ConnectAndJoinAsync("alice", "multi-1");
        await alice.SendJsonAsync(new { type = "join", room_id = "multi-2" });
        await alice.ReceiveTypeAsync("history", "multi-2");

        await alice.SendJsonAsync(new { type = "send", room_id = "multi-1", content = "one" });
        await alice.SendJsonAsync(new { type = "send", room_id = "multi-2", content = "two" });

        Assert.That((await alice.ReceiveTypeAsync("message", "multi-1")).GetProperty("content").GetString(), Is.EqualTo("one"));
        Assert.That((await alice.ReceiveTypeAsync("message", "multi-2")).GetProperty("content").GetString(), Is.EqualTo("two"));
    }

    [Test]
    public async Task Plain_text_goes_to_the_last_joined_room_as_wscat_users_type_it()
    {
        await using var alice = await _server.ConnectAsync("alice", room: "wscat");
        await alice.ReceiveTypeAsync("history", "wscat");

        await alice.SendTextAsync("hello from wscat");
        var message = await alice.ReceiveTypeAsync("message", "wscat");

        Assert.That(message.GetProperty("content").GetString(), Is.EqualTo("hello from wscat"));
        Assert.That(message.GetProperty("sender").GetString(), Is.EqualTo("alice"));
    }

    [Test]
    public async Task After_leaving_the_current_room_plain_text_goes_to_the_previously_joined_one()
    {
        await using var alice = await _server.ConnectAndJoinAsync("alice", "current-1");
        await alice.SendJsonAsync(new { type = "join", room_id = "current-2" });
        await alice.ReceiveTypeAsync("history", "current-2");
        await alice.SendJsonAsync(new { type = "leave", room_id = "current-2" });
        await alice.ReceiveTypeAsync("left", "current-2");

        await alice.SendTextAsync("where am i");

        Assert.That((await alice.ReceiveTypeAsync("message")).GetProperty("room_id").GetString(), Is.EqualTo("current-1"));
    }

    [Test]
    public async Task Joining_a_room_again_resends_joined_and_history_without_presence()
    {
        await using var alice = await _server.ConnectAndJoinAsync("alice", "rejoin");
        await using var bob = await _server.ConnectAndJoinAsync("bob", "rejoin");
        await alice.ReceiveTypeAsync("presence", "rejoin");

        await bob.SendJsonAsync(new { type = "join", room_id = "rejoin" });
        var joined = await bob.ReceiveTypeAsync("joined", "rejoin");
        await bob.ReceiveTypeAsync("history", "rejoin");
        await alice.SendJsonAsync(new { type = "ping" });

        Assert.That(joined.GetProperty("members").GetInt32(), Is.EqualTo(2));
        var next = await alice.ReceiveAsync(f => f.GetProperty("type").GetString() is "pong" or "presence");
        Assert.That(next.GetProperty("type").GetString(), Is.EqualTo("pong"), "no second presence for a re-join");
    }

    [Test]
    public async Task Joined_lists_each_user_name_once_however_many_connections_it_has()
    {
        await using var aliceTab1 = await _server.ConnectAndJoinAsync("alice", "names");
        await using var aliceTab2 = await _server.ConnectAndJoinAsync("alice", "names");
        await using var bob = await _server.ConnectAsync("bob");

        await bob.SendJsonAsync(new { type = "join", room_id = "names" });
        var joined = await bob.ReceiveTypeAsync("joined", "names");

        Assert.That(joined.GetProperty("members").GetInt32(), Is.EqualTo(3));
        Assert.That(
            joined.GetProperty("users").EnumerateArray().Select(u => u.GetString()),
            Is.EquivalentTo(new[] { "alice", "bob" }));
    }

    [Test]
    public async Task Joined_lists_at_most_one_hundred_names_and_still_counts_every_member()
    {
        var clients = new List<ChatClient>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                clients.Add(await _server.ConnectAndJoinAsync($"user-{i:000}", "crowd"));
            }

            var last = await _server.ConnectAsync("latecomer");
            clients.Add(last);
            await last.SendJsonAsync(new { type = "join", room_id = "crowd" });
            var joined = await last.ReceiveTypeAsync("joined", "crowd");

            var users = joined.GetProperty("users").EnumerateArray().Select(u => u.GetString()).ToList();
            Assert.That(joined.GetProperty("members").GetInt32(), Is.EqualTo(101));
            Assert.That(users, Has.Count.EqualTo(100).And.Unique);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task SendManyAsync(ChatClient client, string room, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await client.SendJsonAsync(new { type = "send", room_id = room, content = $"{prefix}{i}" });
        }
    }
}
