using System.Net;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Backplane;

/// <summary>
/// Several real nodes (the whole application each, on its own port) storing into one MongoDB database and sharing one
/// real redis-server, started once for the fixture (docs/SCALING.md).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BackplaneTests
{
    private RedisProcess _redis = null!;

    [OneTimeSetUp]
    public async Task StartRedisAsync() => _redis = await RedisProcess.StartAsync();

    [OneTimeTearDown]
    public async Task StopRedisAsync() => await _redis.DisposeAsync();

    [SetUp]
    public async Task EnsureRedisRunsAsync()
    {
        // A test that stops Redis and fails midway must not take the next ones down with it.
        await _redis.StopAsync();
        await _redis.StartAgainAsync();
    }

    [Test]
    public async Task Senders_on_every_node_reach_every_member_once_in_one_order_which_is_the_stored_order()
    {
        await using var cluster = await Cluster.StartAsync(_redis, nodes: 3);
        var room = "everywhere";
        var members = new List<ChatClient>();
        foreach (var node in cluster.Nodes)
        {
            members.Add(await node.ConnectAndJoinAsync($"user{members.Count}", room));
            members.Add(await node.ConnectAndJoinAsync($"user{members.Count}", room));
        }

        const int perSender = 15;
        await Task.WhenAll(members.Select((member, index) => SendManyAsync(member, room, $"m{index}-", perSender)));

        var total = perSender * members.Count;
        var seen = await Task.WhenAll(members.Select(member => member.ReceiveMessagesAsync(room, total)));
        var order = seen[0].Select(m => m.GetProperty("id").GetString()!).ToList();
        Assert.That(order, Is.Unique, "a member got a message twice");
        Assert.That(order, Is.Ordered.Using<string>(StringComparer.Ordinal), "ids grow in the order members see them");
        foreach (var other in seen.Skip(1))
        {
            Assert.That(other.Select(m => m.GetProperty("id").GetString()), Is.EqualTo(order), "every member sees one order");
        }

        var contents = seen[0].Select(m => m.GetProperty("content").GetString()).ToHashSet();
        Assert.That(contents, Has.Count.EqualTo(total), "every message reached every member");

        var stored = await Eventually.ReturnsAsync(() => cluster.Nodes[1].StoredIdsAsync(room, total), ids => ids.Count == total, "all messages stored");
        Assert.That(stored, Is.EqualTo(order), "the stored order is the order members saw");

        foreach (var member in members)
        {
            await member.DisposeAsync();
        }
    }

    [Test]
    public async Task Rooms_publishing_in_the_same_second_get_distinct_ids_and_every_message_is_stored()
    {
        // MongoDB's _id is unique across rooms: ids issued per room must not collide between rooms.
        await using var cluster = await Cluster.StartAsync(_redis, nodes: 1);
        var rooms = Enumerable.Range(0, 4).Select(i => $"same-second-{i}").ToList();
        var members = new List<ChatClient>();
        foreach (var room in rooms)
        {
            members.Add(await cluster.Nodes[0].ConnectAndJoinAsync("alice", room));
        }

        foreach (var (member, room) in members.Zip(rooms))
        {
            await member.SendJsonAsync(new { type = "send", room_id = room, content = "hi", client_msg_id = "first" });
        }

        var replies = new List<string>();
        foreach (var (member, room) in members.Zip(rooms))
        {
            var reply = await member.ReceiveAsync(f => f.GetProperty("type").GetString() is "ack" or "error");
            replies.Add(reply.GetProperty("type").GetString() == "ack" ? reply.GetProperty("id").GetString()! : reply.GetProperty("code").GetString()!);
            await member.DisposeAsync();
        }

        Assert.That(replies, Is.Unique.And.All.Length.EqualTo(24), "each room's message acked under an id of its own");
    }

    [Test]
    public async Task A_join_on_another_node_gets_what_was_published_before_it_listened_and_then_the_live_stream()
    {
        await using var cluster = await Cluster.StartAsync(_redis, nodes: 2);
        var room = "late";
        await using var sender = await cluster.Nodes[0].ConnectAndJoinAsync("alice", room);
        await SendManyAsync(sender, room, "before-", 5);
        await sender.ReceiveMessagesAsync(room, 5);

        // Node 1 has no member in the room yet: it listens from this join on.
        await using var late = await cluster.Nodes[1].ConnectAsync("bob");
        await late.SendJsonAsync(new { type = "join", room_id = room });
        var history = await late.ReceiveTypeAsync("history", room);
        await sender.SendJsonAsync(new { type = "send", room_id = room, content = "after" });
        var live = await late.ReceiveTypeAsync("message", room);

        Assert.That(history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()),
            Is.EqualTo(new[] { "before-0", "before-1", "before-2", "before-3", "before-4" }));
        Assert.That(live.GetProperty("content").GetString(), Is.EqualTo("after"));
    }

    [Test]
    public async Task A_resume_with_since_on_another_node_replays_what_was_missed_and_says_it_is_complete()
    {
        await using var cluster = await Cluster.StartAsync(_redis, nodes: 2);
        var room = "resume";
        await using var sender = await cluster.Nodes[0].ConnectAndJoinAsync("alice", room);
        string lastSeen;
        await using (var reader = await cluster.Nodes[0].ConnectAndJoinAsync("bob", room))
        {
            await sender.SendJsonAsync(new { type = "send", room_id = room, content = "seen" });
            lastSeen = (await reader.ReceiveTypeAsync("message", room)).GetProperty("id").GetString()!;
        }

        await SendManyAsync(sender, room, "missed-", 3);
        await sender.ReceiveMessagesAsync(room, 4);

        await using var resumed = await cluster.Nodes[1].ConnectAsync("bob");
        await resumed.SendJsonAsync(new { type = "join", room_id = room, since = lastSeen });
        var history = await resumed.ReceiveTypeAsync("history", room);

        Assert.That(history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()),
            Is.EqualTo(new[] { "missed-0", "missed-1", "missed-2" }));
        Assert.That(history.GetProperty("recovered").GetBoolean(), Is.True);
    }

    [Test]
    public async Task A_resend_to_another_node_is_acked_with_the_original_id_and_not_broadcast_again()
    {
        await using var cluster = await Cluster.StartAsync(_redis, nodes: 2);
        var room = "resend";
        await using var watcher = await cluster.Nodes[1].ConnectAndJoinAsync("watcher", room);
        string originalId;
        await using (var first = await cluster.Nodes[0].ConnectAndJoinAsync("alice", room))
        {
            await first.SendJsonAsync(new { type = "send", room_id = room, content = "once", client_msg_id = "c-1" });
            originalId = (await first.ReceiveTypeAsync("ack", room)).GetProperty("id").GetString()!;
        }

        await watcher.ReceiveTypeAsync("message", room);
        await using var again = await cluster.Nodes[1].ConnectAndJoinAsync("alice", room);
        await again.SendJsonAsync(new { type = "send", room_id = room, content = "once", client_msg_id = "c-1" });
        var ack = await again.ReceiveTypeAsync("ack", room);
        await again.SendJsonAsync(new { type = "send", room_id = room, content = "marker" });
        var next = await watcher.ReceiveTypeAsync("message", room);

        Assert.That(ack.GetProperty("id").GetString(), Is.EqualTo(originalId));
        Assert.That(next.GetProperty("content").GetString(), Is.EqualTo("marker"), "the resend was broadcast again");
        Assert.That(await cluster.Nodes[0].StoredIdsAsync(room, 10), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task The_same_client_msg_id_sent_at_once_from_two_connections_is_published_once()
    {
        // Two tabs of one user (or a reconnect racing its old connection) resend a message at the same moment. On one
        // node the room's lock makes the check and the publish one step; with a backplane the publish is a Redis round
        // trip after the check, and a second send checked during it must not publish the message again.
        await using var cluster = await Cluster.StartAsync(_redis, nodes: 1);
        var room = "twice";
        await using var watcher = await cluster.Nodes[0].ConnectAndJoinAsync("watcher", room);
        await using var first = await cluster.Nodes[0].ConnectAndJoinAsync("alice", room);
        await using var second = await cluster.Nodes[0].ConnectAndJoinAsync("alice", room);

        const int rounds = 30;
        for (var i = 0; i < rounds; i++)
        {
            var frame = new { type = "send", room_id = room, content = $"m{i}", client_msg_id = $"c-{i}" };
            await Task.WhenAll(first.SendJsonAsync(frame), second.SendJsonAsync(frame));
        }

        await first.SendJsonAsync(new { type = "send", room_id = room, content = "marker" });
        var seen = new List<string>();
        while (true)
        {
            var content = (await watcher.ReceiveTypeAsync("message", room)).GetProperty("content").GetString()!;
            if (content == "marker")
            {
                break;
            }

            seen.Add(content);
        }

        Assert.That(seen, Is.Unique, "a client_msg_id sent from two connections at once was broadcast twice");
        Assert.That(seen, Has.Count.EqualTo(rounds));
    }

    [Test]
    public async Task While_Redis_is_down_sends_are_refused_and_the_node_is_not_ready_and_after_an_empty_restart_ids_keep_growing()
    {
        await using var cluster = await Cluster.StartAsync(_redis, nodes: 2);
        var room = "outage";
        await using var sender = await cluster.Nodes[0].ConnectAndJoinAsync("alice", room);
        await using var other = await cluster.Nodes[1].ConnectAndJoinAsync("bob", room);
        await sender.SendJsonAsync(new { type = "send", room_id = room, content = "before", client_msg_id = "b" });
        var before = (await sender.ReceiveTypeAsync("ack", room)).GetProperty("id").GetString()!;
        await other.ReceiveTypeAsync("message", room);

        await _redis.StopAsync();
        await sender.SendJsonAsync(new { type = "send", room_id = room, content = "during", client_msg_id = "d" });
        var refused = await sender.ReceiveTypeAsync("error");
        using var http = cluster.Nodes[0].CreateHttpClient();
        await Eventually.ReturnsAsync(() => http.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, "readiness to drop");

        Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("unavailable"));
        Assert.That(refused.GetProperty("ref").GetString(), Is.EqualTo("d"));

        // Restarted empty: the room's clock is gone; ids still start past every issued one.
        await _redis.StartAgainAsync();
        await Eventually.ReturnsAsync(() => http.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK, "readiness to return");
        var after = await SendUntilAckedAsync(sender, room, "after");
        var delivered = await other.ReceiveAsync(f => f.GetProperty("type").GetString() == "message" && f.GetProperty("content").GetString() == "after");

        Assert.That(string.CompareOrdinal(after, before), Is.GreaterThan(0), "ids keep growing after Redis lost its state");
        Assert.That(delivered.GetProperty("id").GetString(), Is.EqualTo(after), "the other node listens again");
        var stored = await cluster.Nodes[1].StoredIdsAsync(room, 10);
        Assert.That(stored, Is.Unique.And.Contains(before).And.Contains(after));
        Assert.That(stored, Has.None.Matches<string>(id => id != before && id != after), "nothing of the refused send was stored");
    }

    [Test]
    public async Task After_a_restart_with_an_append_only_file_ids_keep_growing()
    {
        await using var redis = await RedisProcess.StartAsync(appendOnly: true);
        await using var cluster = await Cluster.StartAsync(redis, nodes: 2);
        var room = "aof";
        await using var sender = await cluster.Nodes[0].ConnectAndJoinAsync("alice", room);
        await using var other = await cluster.Nodes[1].ConnectAndJoinAsync("bob", room);
        var before = await SendUntilAckedAsync(sender, room, "before");

        await redis.StopAsync();
        await redis.StartAgainAsync();
        var after = await SendUntilAckedAsync(sender, room, "after");
        var delivered = await other.ReceiveAsync(f => f.GetProperty("type").GetString() == "message" && f.GetProperty("content").GetString() == "after");

        Assert.That(string.CompareOrdinal(after, before), Is.GreaterThan(0));
        Assert.That(delivered.GetProperty("id").GetString(), Is.EqualTo(after));
    }

    [Test]
    public async Task A_node_stopped_mid_run_leaves_its_clients_to_resume_on_another_node_without_gap_or_duplicate()
    {
        await using var cluster = await Cluster.StartAsync(_redis, nodes: 2);
        var room = "failover";
        await using var sender = await cluster.Nodes[1].ConnectAndJoinAsync("alice", room);
        var reader = await cluster.Nodes[0].ConnectAndJoinAsync("bob", room);
        var seen = new List<string>();

        await SendManyAsync(sender, room, "first-", 5);
        await sender.ReceiveMessagesAsync(room, 5);
        seen.AddRange((await reader.ReceiveMessagesAsync(room, 5)).Select(m => m.GetProperty("content").GetString()!));
        var lastId = (await cluster.Nodes[1].StoredIdsAsync(room, 100)).Last();

        // Messages keep coming while node 0 stops (its clients get 1001) and bob comes back on node 1.
        var sending = SendManyAsync(sender, room, "second-", 10);
        await cluster.Nodes[0].StopAsync();
        await reader.DisposeAsync();
        await sending;
        await sender.ReceiveMessagesAsync(room, 10);
        await using var resumed = await cluster.Nodes[1].ConnectAsync("bob");
        await resumed.SendJsonAsync(new { type = "join", room_id = room, since = lastId });
        var history = await resumed.ReceiveTypeAsync("history", room);
        seen.AddRange(history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!));
        await SendManyAsync(sender, room, "third-", 2);
        seen.AddRange((await resumed.ReceiveMessagesAsync(room, 2)).Select(m => m.GetProperty("content").GetString()!));

        var expected = Enumerable.Range(0, 5).Select(i => $"first-{i}").Concat(Enumerable.Range(0, 10).Select(i => $"second-{i}")).Concat(["third-0", "third-1"]);
        Assert.That(seen, Is.EqualTo(expected));
        Assert.That(history.GetProperty("recovered").GetBoolean(), Is.True);
    }

    private static async Task SendManyAsync(ChatClient client, string room, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await client.SendJsonAsync(new { type = "send", room_id = room, content = prefix + i });
        }
    }

    // Sends until acked (right after Redis came back, the first tries may still be refused); returns the id.
    private static async Task<string> SendUntilAckedAsync(ChatClient client, string room, string content)
    {
        var deadline = DateTime.UtcNow + ChatServer.Deadline;
        while (true)
        {
            await client.SendJsonAsync(new { type = "send", room_id = room, content, client_msg_id = content });
            var reply = await client.ReceiveAsync(f => f.GetProperty("type").GetString() is "ack" or "error");
            if (reply.GetProperty("type").GetString() == "ack")
            {
                return reply.GetProperty("id").GetString()!;
            }

            Assert.That(reply.GetProperty("code").GetString(), Is.EqualTo("unavailable"));
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "sends were refused too long after Redis came back");
            await Task.Delay(100);
        }
    }
}
