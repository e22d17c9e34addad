using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Backplane;

/// <summary>Member counts and presence across nodes sharing one Redis (docs/SCALING.md, "Presence across nodes").</summary>
[TestFixture]
[NonParallelizable]
public sealed class PresenceTests : RedisFixture
{
    [Test]
    public async Task Members_on_two_nodes_see_each_others_presence_and_the_same_counts()
    {
        await using var cluster = await Cluster.StartAsync(Redis, nodes: 2);
        var room = "together";
        await using var alice = await cluster.Nodes[0].ConnectAndJoinAsync("alice", room);
        await Eventually.ReturnsAsync(() => cluster.Nodes[1].MembersAsync(room), n => n == 1, "node 1 to list alice's room");

        await using var bob = await cluster.Nodes[1].ConnectAsync("bob");
        await bob.SendJsonAsync(new { type = "join", room_id = room });
        var bobJoined = await bob.ReceiveTypeAsync("joined", room);
        var bobSeen = await alice.ReceiveTypeAsync("presence", room);

        await using var carol = await cluster.Nodes[0].ConnectAndJoinAsync("carol", room);
        var carolSeenByBob = await bob.ReceiveTypeAsync("presence", room);
        await bob.SendJsonAsync(new { type = "leave", room_id = room });
        var bobLeftSeenByCarol = await carol.ReceiveAsync(f => f.GetProperty("type").GetString() == "presence" && f.GetProperty("user").GetString() == "bob");

        Assert.That(bobJoined.GetProperty("members").GetInt32(), Is.EqualTo(2), "bob's joined counts alice on the other node");
        Assert.That(bobSeen.GetProperty("user").GetString(), Is.EqualTo("bob"));
        Assert.That(bobSeen.GetProperty("event").GetString(), Is.EqualTo("join"));
        Assert.That(bobSeen.GetProperty("members").GetInt32(), Is.EqualTo(2));
        Assert.That(carolSeenByBob.GetProperty("user").GetString(), Is.EqualTo("carol"));
        Assert.That(carolSeenByBob.GetProperty("members").GetInt32(), Is.EqualTo(3));
        Assert.That(bobLeftSeenByCarol.GetProperty("event").GetString(), Is.EqualTo("leave"));
        Assert.That(bobLeftSeenByCarol.GetProperty("members").GetInt32(), Is.EqualTo(2));
        await Eventually.ReturnsAsync(() => cluster.Nodes[1].MembersAsync(room), n => n == 2, "node 1 to count alice and carol");
        Assert.That(await cluster.Nodes[0].MembersAsync(room), Is.EqualTo(2), "both nodes give the same count");
    }

    [Test]
    public async Task Joins_on_another_node_during_a_burst_reach_a_member_batched_once_each_in_that_nodes_order()
    {
        // Long enough that the joins after the first wait in one batch on node 0, short enough that it goes out on
        // its own within the receive's deadline (no message follows: messages and presence cross nodes separately).
        await using var cluster = await Cluster.StartAsync(Redis, nodes: 2, new Dictionary<string, string?> { ["Chat:PresenceBatchWindow"] = "00:00:03" });
        const string room = "burst-across";
        await using var alice = await cluster.Nodes[0].ConnectAndJoinAsync("alice", room);
        await Eventually.ReturnsAsync(() => cluster.Nodes[1].MembersAsync(room), n => n == 1, "node 1 to list alice's room");
        var joiners = new List<ChatClient>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                joiners.Add(await cluster.Nodes[1].ConnectAndJoinAsync($"c{i}", room));
            }

            var frames = new List<System.Text.Json.JsonElement>();
            var events = new List<string>();
            while (events.Count < 10)
            {
                var frame = await alice.ReceiveAsync(PresenceFrames.IsPresence);
                frames.Add(frame);
                events.AddRange(PresenceFrames.Events(frame));
            }

            Assert.That(events, Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"c{i} join")), "once each, in node 1's order");
            Assert.That(frames, Has.Count.LessThan(10), "batched on node 0");
            Assert.That(frames[^1].GetProperty("members").GetInt32(), Is.EqualTo(11));
        }
        finally
        {
            foreach (var joiner in joiners)
            {
                await joiner.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task The_members_of_a_node_killed_with_SIGKILL_leave_the_counts_once_its_heartbeat_runs_out()
    {
        await using var cluster = await Cluster.StartAsync(Redis, nodes: 1);
        var room = "crash";
        var doomed = await cluster.StartProcessNodeAsync();
        var bob = await doomed.ConnectAsync("bob");
        await bob.SendJsonAsync(new { type = "join", room_id = room });
        await bob.ReceiveTypeAsync("history", room);
        await Eventually.ReturnsAsync(() => cluster.Nodes[0].MembersAsync(room), n => n == 1, "node 0 to count bob");
        await using var alice = await cluster.Nodes[0].ConnectAsync("alice");
        await alice.SendJsonAsync(new { type = "join", room_id = room });
        var aliceJoined = await alice.ReceiveTypeAsync("joined", room);

        await doomed.KillAsync();
        await bob.DisposeAsync();

        // Bounded by Backplane:NodeTimeout + HeartbeatInterval (2.25 s here); the wait's deadline is 10 s.
        await Eventually.ReturnsAsync(() => cluster.Nodes[0].MembersAsync(room), n => n == 1, "bob to leave the count");
        await using var carol = await cluster.Nodes[0].ConnectAsync("carol");
        await carol.SendJsonAsync(new { type = "join", room_id = room });
        var carolJoined = await carol.ReceiveTypeAsync("joined", room);

        Assert.That(aliceJoined.GetProperty("members").GetInt32(), Is.EqualTo(2));
        Assert.That(carolJoined.GetProperty("members").GetInt32(), Is.EqualTo(2), "alice and carol; bob's node is dead");
    }

    [Test]
    public async Task A_node_stopped_gracefully_leaves_the_counts_at_the_next_heartbeat()
    {
        await using var cluster = await Cluster.StartAsync(Redis, nodes: 2);
        var room = "graceful";
        await using var alice = await cluster.Nodes[0].ConnectAndJoinAsync("alice", room);
        var bob = await cluster.Nodes[1].ConnectAndJoinAsync("bob", room);
        await Eventually.ReturnsAsync(() => cluster.Nodes[0].MembersAsync(room), n => n == 2, "node 0 to count bob");

        await cluster.Nodes[1].StopAsync();
        await bob.DisposeAsync();

        Assert.That(await Eventually.ReturnsAsync(() => cluster.Nodes[0].MembersAsync(room), n => n == 1, "bob to leave the count"), Is.EqualTo(1));
    }
}
