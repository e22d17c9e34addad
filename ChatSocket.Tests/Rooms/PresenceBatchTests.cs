using System.Text.Json;
using ChatSocket.Tests.Support;

namespace ChatSocket.Tests.Rooms;

/// <summary>
/// Presence during a burst of joins and leaves (docs/PROTOCOL.md, "Presence during a burst"), end to end. The window is
/// long here so that a burst is batched however slow the machine is; a message flushes the batch, so the tests do not
/// wait for the window (except the one that checks that a batch goes out on its own).
/// </summary>
[TestFixture]
public sealed class PresenceBatchTests
{
    private const int Burst = 50;

    private ChatServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() =>
        _server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:MessagesPerSecond"] = "100000",
            ["Chat:MessageBurst"] = "100000",
            ["Chat:PresenceBatchWindow"] = "00:00:05",
            ["Chat:PresenceBatchMaxEvents"] = "1000",
        });

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task A_single_join_in_a_quiet_room_is_a_plain_presence_frame()
    {
        await using var alice = await _server.ConnectAndJoinAsync("alice", "quiet");
        await using var bob = await _server.ConnectAndJoinAsync("bob", "quiet");

        var frame = await alice.ReceiveAsync(PresenceFrames.IsPresence);

        Assert.That(frame.GetRawText(), Is.EqualTo("""{"type":"presence","room_id":"quiet","user":"bob","event":"join","members":2}"""));
    }

    [Test]
    public async Task A_burst_of_joins_reaches_every_earlier_member_once_in_join_order_in_fewer_frames()
    {
        const string room = "burst";
        await using var alice = await _server.ConnectAndJoinAsync("alice", room);
        var joiners = await JoinInTurnAsync(room, "j", Burst);
        try
        {
            await alice.SendJsonAsync(new { type = "send", room_id = room, content = "after the burst" });

            var (aliceFrames, aliceEvents) = await PresenceUntilMessageAsync(alice, room);
            Assert.That(aliceEvents, Is.EqualTo(Enumerable.Range(0, Burst).Select(i => $"j{i} join")), "every join once, in join order");
            Assert.That(aliceFrames, Has.Count.LessThan(Burst), "joins were batched");
            Assert.That(aliceFrames[^1].GetProperty("members").GetInt32(), Is.EqualTo(Burst + 1));
            for (var k = 0; k < Burst; k++)
            {
                var (frames, events) = await PresenceUntilMessageAsync(joiners[k], room);
                Assert.That(events, Is.EqualTo(Enumerable.Range(k + 1, Burst - k - 1).Select(i => $"j{i} join")), $"j{k} hears of the joins after its own, and of no earlier one");
                if (frames.Count > 0)
                {
                    Assert.That(frames[^1].GetProperty("members").GetInt32(), Is.EqualTo(Burst + 1), $"j{k}'s last count");
                }
            }
        }
        finally
        {
            await DisposeAllAsync(joiners);
        }
    }

    [Test]
    public async Task A_message_sent_during_a_burst_reaches_every_member_after_the_presence_that_preceded_it()
    {
        const string room = "interleaved";
        await using var alice = await _server.ConnectAndJoinAsync("alice", room);
        var first = await JoinInTurnAsync(room, "a", 10);
        await alice.SendJsonAsync(new { type = "send", room_id = room, content = "one" });
        await alice.ReceiveTypeAsync("message", room);
        var second = await JoinInTurnAsync(room, "b", 10);
        await alice.SendJsonAsync(new { type = "send", room_id = room, content = "two" });
        try
        {
            Assert.That((await PresenceUntilMessageAsync(alice, room)).Events, Is.EqualTo(Names("b", 0, 10).Select(n => $"{n} join")));
            for (var k = 0; k < first.Count; k++)
            {
                var beforeOne = (await PresenceUntilMessageAsync(first[k], room)).Events;
                var beforeTwo = (await PresenceUntilMessageAsync(first[k], room)).Events;
                Assert.That(beforeOne, Is.EqualTo(Names("a", k + 1, 10).Select(n => $"{n} join")), $"a{k} before the first message");
                Assert.That(beforeTwo, Is.EqualTo(Names("b", 0, 10).Select(n => $"{n} join")), $"a{k} between the messages");
            }

            for (var k = 0; k < second.Count; k++)
            {
                var beforeTwo = (await PresenceUntilMessageAsync(second[k], room)).Events;
                Assert.That(beforeTwo, Is.EqualTo(Names("b", k + 1, 10).Select(n => $"{n} join")), $"b{k} before the second message");
            }
        }
        finally
        {
            await DisposeAllAsync(first);
            await DisposeAllAsync(second);
        }
    }

    [Test]
    public async Task Leaves_in_a_burst_are_batched_in_order_with_the_final_count()
    {
        const string room = "leaving";
        await using var alice = await _server.ConnectAndJoinAsync("alice", room);
        var joiners = await JoinInTurnAsync(room, "l", 20);
        await alice.SendJsonAsync(new { type = "send", room_id = room, content = "all here" });
        await PresenceUntilMessageAsync(alice, room);

        foreach (var leaver in joiners)
        {
            await leaver.SendJsonAsync(new { type = "leave", room_id = room });
            await leaver.ReceiveTypeAsync("left", room);
        }

        await alice.SendJsonAsync(new { type = "send", room_id = room, content = "alone" });
        var (frames, events) = await PresenceUntilMessageAsync(alice, room);
        await DisposeAllAsync(joiners);

        Assert.That(events, Is.EqualTo(Names("l", 0, 20).Select(n => $"{n} leave")));
        Assert.That(frames, Has.Count.LessThan(20));
        Assert.That(frames[^1].GetProperty("members").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_batch_goes_out_on_its_own_when_its_window_ends()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:PresenceBatchWindow"] = "00:00:00.200",
        });
        await using var alice = await server.ConnectAndJoinAsync("alice", "timer");
        var joiners = new List<ChatClient>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                joiners.Add(await server.ConnectAndJoinAsync($"t{i}", "timer"));
            }

            // No message follows: only the window's end can send what is pending.
            var events = new List<string>();
            while (events.Count < 5)
            {
                events.AddRange(PresenceFrames.Events(await alice.ReceiveAsync(PresenceFrames.IsPresence)));
            }

            Assert.That(events, Is.EqualTo(Names("t", 0, 5).Select(n => $"{n} join")));
        }
        finally
        {
            await DisposeAllAsync(joiners);
        }
    }

    [Test]
    public async Task Members_joining_while_messages_flow_see_presence_and_messages_in_one_order_and_counts_that_add_up()
    {
        // Small batches, so that full batches, message flushes and joiners' shares all happen in one run.
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:MessagesPerSecond"] = "100000",
            ["Chat:MessageBurst"] = "100000",
            ["Chat:PresenceBatchWindow"] = "00:00:05",
            ["Chat:PresenceBatchMaxEvents"] = "4",
        });
        const string room = "mixed";
        const int joiners = 30;
        await using var alice = await server.ConnectAndJoinAsync("alice", room);
        var clients = new ChatClient[joiners];
        var joinedCounts = new int[joiners];
        try
        {
            var joining = Task.WhenAll(Enumerable.Range(0, joiners).Select(async i =>
            {
                clients[i] = await server.ConnectAsync($"m{i}");
                await clients[i].SendJsonAsync(new { type = "join", room_id = room });
                joinedCounts[i] = (await clients[i].ReceiveTypeAsync("joined", room)).GetProperty("members").GetInt32();
                await clients[i].ReceiveTypeAsync("history", room);
            }));
            for (var m = 0; m < 30; m++)
            {
                await alice.SendJsonAsync(new { type = "send", room_id = room, content = $"c{m}" });
            }

            await joining.WaitAsync(ChatServer.Deadline);
            await alice.SendJsonAsync(new { type = "send", room_id = room, content = "end" });

            var streams = new List<(string Who, List<string> Seen)> { ("alice", await StreamUntilEndAsync(alice, room)) };
            for (var i = 0; i < joiners; i++)
            {
                var seen = await StreamUntilEndAsync(clients[i], room);
                streams.Add(($"m{i}", seen));
                var joins = seen.Count(t => t.EndsWith(" join", StringComparison.Ordinal));
                Assert.That(seen, Is.Unique, $"m{i} sees each event and message once");
                Assert.That(seen, Does.Not.Contain($"m{i} join"), $"m{i} does not hear of its own join");
                Assert.That(joinedCounts[i] + joins, Is.EqualTo(joiners + 1), $"m{i}'s joined count plus the joins it heard of is the room's count");
            }

            Assert.That(streams[0].Seen.Where(t => t.EndsWith(" join", StringComparison.Ordinal)), Is.EquivalentTo(Names("m", 0, joiners).Select(n => $"{n} join")));
            foreach (var (who, seen) in streams.Skip(1))
            {
                // Whatever two members both received, they received in the same order.
                var common = seen.Intersect(streams[0].Seen).ToHashSet();
                Assert.That(seen.Where(common.Contains), Is.EqualTo(streams[0].Seen.Where(common.Contains)), $"{who} and alice agree on the order");
            }
        }
        finally
        {
            await DisposeAllAsync(clients.Where(c => c is not null));
        }
    }

    // Presence events ("m3 join") and message contents ("message c7") up to the message "end".
    private static async Task<List<string>> StreamUntilEndAsync(ChatClient client, string room)
    {
        var seen = new List<string>();
        while (true)
        {
            var frame = await client.ReceiveAsync(f => PresenceFrames.IsPresence(f) || f.GetProperty("type").GetString() == "message");
            Assert.That(frame.GetProperty("room_id").GetString(), Is.EqualTo(room));
            if (frame.GetProperty("type").GetString() != "message")
            {
                seen.AddRange(PresenceFrames.Events(frame));
            }
            else if (frame.GetProperty("content").GetString() is var content && content == "end")
            {
                return seen;
            }
            else
            {
                seen.Add($"message {content}");
            }
        }
    }

    private async Task<List<ChatClient>> JoinInTurnAsync(string room, string prefix, int count)
    {
        var clients = new List<ChatClient>(count);
        try
        {
            foreach (var name in Names(prefix, 0, count))
            {
                // One after the other, each joined before the next joins: the join order is the order of the names.
                clients.Add(await _server.ConnectAndJoinAsync(name, room));
            }
        }
        catch
        {
            await DisposeAllAsync(clients);
            throw;
        }

        return clients;
    }

    // The presence frames and events a client receives before its next message frame of the room.
    private static async Task<(List<JsonElement> Frames, List<string> Events)> PresenceUntilMessageAsync(ChatClient client, string room)
    {
        var frames = new List<JsonElement>();
        var events = new List<string>();
        while (true)
        {
            var frame = await client.ReceiveAsync(f => PresenceFrames.IsPresence(f) || f.GetProperty("type").GetString() == "message");
            Assert.That(frame.GetProperty("room_id").GetString(), Is.EqualTo(room));
            if (frame.GetProperty("type").GetString() == "message")
            {
                return (frames, events);
            }

            frames.Add(frame);
            events.AddRange(PresenceFrames.Events(frame));
        }
    }

    private static IEnumerable<string> Names(string prefix, int from, int to) => Enumerable.Range(from, to - from).Select(i => $"{prefix}{i}");

    private static async Task DisposeAllAsync(IEnumerable<ChatClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
