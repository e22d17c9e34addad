using System.Text.Json;
using ChatSocket.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.Persistence;

/// <summary>
/// A <c>client_msg_id</c> is recognised the same way whether its original is in memory or only in MongoDB, before
/// anything is broadcast: the same content is a resend (acked with the original's id), other content is refused.
/// </summary>
[TestFixture]
public sealed class ClientMsgIdTests
{
    private static readonly Dictionary<string, string?> Unlimited = new()
    {
        ["Chat:MessagesPerSecond"] = "100000",
        ["Chat:MessageBurst"] = "100000",
    };

    // A ring of three, so that a handful of messages pushes an original out of memory.
    private static readonly Dictionary<string, string?> TinyRing = new(Unlimited)
    {
        ["Chat:HistoryCapacity"] = "3",
        ["Chat:MaxHistory"] = "2",
        ["Chat:DefaultHistory"] = "2",
    };

    [Test]
    public async Task After_a_restart_other_content_under_a_used_client_msg_id_is_refused_and_neither_broadcast_nor_stored()
    {
        var (restarted, originalId) = await SendThenRestartAsync("back in lobby");
        await using var second = restarted;
        await using var again = await second.ConnectAndJoinAsync("alice", "lobby");
        await using var bob = await second.ConnectAndJoinAsync("bob", "lobby");
        await again.SendJsonAsync(new { type = "send", room_id = "lobby", content = "a NEW message the next day", client_msg_id = "c-1" });
        var answer = await again.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "message" or "ack");
        await again.SendJsonAsync(new { type = "send", room_id = "lobby", content = "marker", client_msg_id = "c-2" });
        var seenByBob = await bob.ReceiveTypeAsync("message", "lobby");

        Assert.That(answer.GetProperty("type").GetString(), Is.EqualTo("error"), answer.ToString());
        Assert.That(answer.GetProperty("code").GetString(), Is.EqualTo("duplicate_client_msg_id"));
        Assert.That(answer.GetProperty("ref").GetString(), Is.EqualTo("c-1"));
        Assert.That(seenByBob.GetProperty("content").GetString(), Is.EqualTo("marker"), "the refused message was not broadcast");
        await StoredMessages.WaitForCountAsync(second, 2);
        var stored = await StoredMessages.Of(second).Find(new BsonDocument("client_msg_id", "c-1")).ToListAsync();
        Assert.That(stored.Select(d => d["content"].AsString), Is.EqualTo(new[] { "back in lobby" }));
        Assert.That(stored[0]["_id"].AsObjectId.ToString(), Is.EqualTo(originalId));
    }

    [Test]
    public async Task After_a_restart_a_resend_with_the_same_content_is_acked_with_the_original_id_and_not_broadcast()
    {
        var (restarted, originalId) = await SendThenRestartAsync("hello");
        await using var second = restarted;
        await using var again = await second.ConnectAndJoinAsync("alice", "lobby");
        await using var bob = await second.ConnectAndJoinAsync("bob", "lobby");
        await again.SendJsonAsync(new { type = "send", room_id = "lobby", content = "hello", client_msg_id = "c-1" });
        var answer = await again.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "message" or "ack");
        await again.SendJsonAsync(new { type = "send", room_id = "lobby", content = "marker", client_msg_id = "c-2" });
        var seenByBob = await bob.ReceiveTypeAsync("message", "lobby");

        Assert.That(answer.GetProperty("type").GetString(), Is.EqualTo("ack"), answer.ToString());
        Assert.That(answer.GetProperty("id").GetString(), Is.EqualTo(originalId));
        Assert.That(answer.GetProperty("client_msg_id").GetString(), Is.EqualTo("c-1"));
        Assert.That(seenByBob.GetProperty("content").GetString(), Is.EqualTo("marker"), "the resend was not broadcast again");
        await StoredMessages.WaitForCountAsync(second, 2);
        Assert.That(await StoredMessages.CountAsync(second, new BsonDocument("client_msg_id", "c-1")), Is.EqualTo(1));
    }

    [Test]
    public async Task Past_the_ring_a_used_client_msg_id_is_still_recognised_for_a_resend_and_for_a_conflict()
    {
        await using var server = await ChatServer.StartAsync(TinyRing);
        await using var alice = await server.ConnectAndJoinAsync("alice", "busy");
        await using var bob = await server.ConnectAndJoinAsync("bob", "busy");
        await alice.SendJsonAsync(new { type = "send", room_id = "busy", content = "first", client_msg_id = "c-0" });
        var originalId = (await alice.ReceiveTypeAsync("ack", "busy")).GetProperty("id").GetString();
        for (var i = 1; i <= 8; i++)
        {
            await alice.SendJsonAsync(new { type = "send", room_id = "busy", content = $"m{i}", client_msg_id = $"c-{i}" });
            await alice.ReceiveAsync(f => f.GetProperty("type").GetString() == "ack" && f.GetProperty("client_msg_id").GetString() == $"c-{i}");
        }

        await bob.ReceiveMessagesAsync("busy", 9);

        await alice.SendJsonAsync(new { type = "send", room_id = "busy", content = "first", client_msg_id = "c-0" });
        var resend = await alice.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "ack" or "message");
        await alice.SendJsonAsync(new { type = "send", room_id = "busy", content = "not the first", client_msg_id = "c-0" });
        var conflict = await alice.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "ack" or "message");
        await alice.SendJsonAsync(new { type = "send", room_id = "busy", content = "marker", client_msg_id = "c-9" });
        var seenByBob = await bob.ReceiveTypeAsync("message", "busy");

        Assert.That(resend.GetProperty("type").GetString(), Is.EqualTo("ack"), resend.ToString());
        Assert.That(resend.GetProperty("id").GetString(), Is.EqualTo(originalId));
        Assert.That(conflict.GetProperty("type").GetString(), Is.EqualTo("error"), conflict.ToString());
        Assert.That(conflict.GetProperty("code").GetString(), Is.EqualTo("duplicate_client_msg_id"));
        Assert.That(seenByBob.GetProperty("content").GetString(), Is.EqualTo("marker"), "neither the resend nor the conflict was broadcast");
        await StoredMessages.WaitForCountAsync(server, 10);
        Assert.That(await StoredMessages.CountAsync(server, new BsonDocument("client_msg_id", "c-0")), Is.EqualTo(1));
    }

    [Test]
    public async Task In_memory_other_content_under_a_used_client_msg_id_is_refused_too()
    {
        await using var server = await ChatServer.StartAsync(Unlimited);
        await using var alice = await server.ConnectAndJoinAsync("alice", "mem");
        await using var bob = await server.ConnectAndJoinAsync("bob", "mem");
        await alice.SendJsonAsync(new { type = "send", room_id = "mem", content = "one", client_msg_id = "c-1" });
        await alice.ReceiveTypeAsync("ack", "mem");
        await alice.SendJsonAsync(new { type = "send", room_id = "mem", content = "two", client_msg_id = "c-1" });
        var answer = await alice.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "ack");
        await alice.SendJsonAsync(new { type = "send", room_id = "mem", content = "marker", client_msg_id = "c-2" });
        var seenByBob = await bob.ReceiveMessagesAsync("mem", 2);

        Assert.That(answer.GetProperty("code").GetString(), Is.EqualTo("duplicate_client_msg_id"), answer.ToString());
        Assert.That(seenByBob.Select(m => m.GetProperty("content").GetString()), Is.EqualTo(new[] { "one", "marker" }));
    }

    [Test]
    public async Task A_send_whose_client_msg_id_cannot_be_checked_is_refused_as_unavailable_and_not_broadcast()
    {
        var embedded = TestStore.RequireEmbedded();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(Unlimited) { ["Persistence:ClientMsgIdCheckTimeout"] = "00:00:00.500" });
        await using var alice = await server.ConnectAndJoinAsync("alice", "dark");
        await using var bob = await server.ConnectAndJoinAsync("bob", "dark");
        JsonElement answer;
        try
        {
            // Code 2 (BadValue) is not retryable: the look-up fails at once.
            embedded.Faults.FailCommands(2, "find");
            await alice.SendJsonAsync(new { type = "send", room_id = "dark", content = "unchecked", client_msg_id = "c-1" });
            answer = await alice.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "message" or "ack");
        }
        finally
        {
            embedded.Faults.Reset();
        }

        await alice.SendJsonAsync(new { type = "send", room_id = "dark", content = "unchecked", client_msg_id = "c-1" });
        var ack = await alice.ReceiveTypeAsync("ack", "dark");
        var seenByBob = await bob.ReceiveMessagesAsync("dark", 1);

        Assert.That(answer.GetProperty("type").GetString(), Is.EqualTo("error"), answer.ToString());
        Assert.That(answer.GetProperty("code").GetString(), Is.EqualTo("unavailable"));
        Assert.That(answer.GetProperty("ref").GetString(), Is.EqualTo("c-1"));
        Assert.That(ack.GetProperty("client_msg_id").GetString(), Is.EqualTo("c-1"), "the same send goes through once the database answers");
        Assert.That(seenByBob.Single().GetProperty("id").GetString(), Is.EqualTo(ack.GetProperty("id").GetString()));
        Assert.That(bob.HasNoPendingFrame, Is.True, "broadcast once");
    }

    [Test]
    public async Task No_ack_arrives_while_the_insert_fails_and_the_ack_that_follows_finds_the_document_stored()
    {
        var embedded = TestStore.RequireEmbedded();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(Unlimited)
        {
            ["Persistence:RetryInitialDelay"] = "00:00:00.020",
            ["Persistence:RetryMaxDelay"] = "00:00:00.100",
        });
        await using var alice = await server.ConnectAndJoinAsync("alice", "held");
        string messageId;
        try
        {
            embedded.Faults.FailCommands(91, "insert");
            await alice.SendJsonAsync(new { type = "send", room_id = "held", content = "wait for it", client_msg_id = "c-1" });
            messageId = (await alice.ReceiveTypeAsync("message", "held")).GetProperty("id").GetString()!;
            // Long enough for many failed attempts: an ack sent before (or regardless of) the insert would show here.
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.That(alice.HasNoPendingFrame, Is.True, "no ack while the insert fails");
            Assert.That(await StoredMessages.CountAsync(server), Is.Zero);
        }
        finally
        {
            embedded.Faults.Reset();
        }

        var ack = await alice.ReceiveTypeAsync("ack", "held");
        var stored = await StoredMessages.CountAsync(server, new BsonDocument("_id", ObjectId.Parse(messageId)));

        Assert.That(ack.GetProperty("id").GetString(), Is.EqualTo(messageId));
        Assert.That(stored, Is.EqualTo(1), "stored when acked");
    }

    [Test]
    public async Task A_number_as_room_id_is_a_bad_request_and_nothing_is_sent()
    {
        await using var server = await ChatServer.StartAsync(Unlimited);
        await using var alice = await server.ConnectAndJoinAsync("alice", "lobby");
        await alice.SendTextAsync("""{"type":"send","room_id":42,"content":"x","client_msg_id":"c-1"}""");
        var error = await alice.ReceiveTypeAsync("error");
        await alice.SendTextAsync("""{"type":"join","room_id":7}""");
        var joinError = await alice.ReceiveTypeAsync("error");

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("bad_request"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("room_id"));
        Assert.That(joinError.GetProperty("code").GetString(), Is.EqualTo("bad_request"));
        Assert.That(alice.HasNoPendingFrame, Is.True);
        Assert.That(await StoredMessages.CountAsync(server), Is.Zero);
    }

    [Test]
    public async Task Look_ups_asked_together_are_answered_each_with_its_own_stored_message_or_none()
    {
        await using var server = await ChatServer.StartAsync(Unlimited);
        await using var alice = await server.ConnectAndJoinAsync("alice", "many");
        var stored = new Dictionary<string, string>();
        for (var i = 0; i < 5; i++)
        {
            await alice.SendJsonAsync(new { type = "send", room_id = "many", content = $"m{i}", client_msg_id = $"k-{i}" });
            stored[$"k-{i}"] = (await alice.ReceiveTypeAsync("ack", "many")).GetProperty("id").GetString()!;
        }

        var lookups = server.GetRequiredService<ChatSocket.Persistence.ClientMsgIdLookups>();
        // Asked at once, so that they share queries: the stored keys, unknown keys, and a stored key of another sender.
        var asked = Enumerable.Range(0, 10).Select(i => ("alice", $"k-{i}")).Append(("bob", "k-1")).ToList();
        var answers = await Task.WhenAll(asked.Select(a => lookups.FindAsync("many", a.Item1, a.Item2, CancellationToken.None))).WaitAsync(ChatServer.Deadline);

        for (var i = 0; i < asked.Count; i++)
        {
            var (sender, key) = asked[i];
            var expected = sender == "alice" && stored.TryGetValue(key, out var id) ? id : null;
            Assert.That(answers[i]?.Id.ToString(), Is.EqualTo(expected), $"{sender} {key}");
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task With_remembered_keys_a_new_key_needs_no_database_look_up_and_a_used_key_past_the_ring_still_does(bool remember)
    {
        var embedded = TestStore.RequireEmbedded();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(TinyRing)
        {
            ["Persistence:ClientMsgIdCheckTimeout"] = "00:00:00.500",
            ["Persistence:RememberClientMsgIds"] = remember ? "true" : "false",
        });
        await using var alice = await server.ConnectAndJoinAsync("alice", "fast");
        await using var bob = await server.ConnectAndJoinAsync("bob", "fast");
        // The first send loads alice's keys; five messages push the first two out of the ring of three.
        for (var i = 0; i < 5; i++)
        {
            await alice.SendJsonAsync(new { type = "send", room_id = "fast", content = $"m{i}", client_msg_id = $"k-{i}" });
            await alice.ReceiveAsync(f => f.GetProperty("type").GetString() == "ack" && f.GetProperty("client_msg_id").GetString() == $"k-{i}");
        }

        await bob.ReceiveMessagesAsync("fast", 5);
        JsonElement fresh, used;
        try
        {
            // Every find fails: only a send that asks nothing of the database goes through.
            embedded.Faults.FailCommands(2, "find");
            await alice.SendJsonAsync(new { type = "send", room_id = "fast", content = "fresh", client_msg_id = "k-new" });
            fresh = await alice.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "ack");
            await alice.SendJsonAsync(new { type = "send", room_id = "fast", content = "m0", client_msg_id = "k-0" });
            used = await alice.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "ack");
        }
        finally
        {
            embedded.Faults.Reset();
        }

        await alice.SendJsonAsync(new { type = "send", room_id = "fast", content = "marker", client_msg_id = "k-marker" });
        var seenByBob = await bob.ReceiveAsync(f => f.GetProperty("type").GetString() == "message" && f.GetProperty("content").GetString() == "marker");

        Assert.That(used.GetProperty("code").GetString(), Is.EqualTo("unavailable"), $"a used key is asked of the database: {used}");
        if (remember)
        {
            Assert.That(fresh.GetProperty("type").GetString(), Is.EqualTo("ack"), fresh.ToString());
            Assert.That(await StoredMessages.CountAsync(server, new BsonDocument("client_msg_id", "k-new")), Is.EqualTo(1));
        }
        else
        {
            Assert.That(fresh.GetProperty("code").GetString(), Is.EqualTo("unavailable"), $"without memory every key is asked: {fresh}");
        }

        Assert.That(seenByBob.GetProperty("content").GetString(), Is.EqualTo("marker"));
        await StoredMessages.WaitForCountAsync(server, remember ? 7 : 6);
        Assert.That(await StoredMessages.CountAsync(server, new BsonDocument("client_msg_id", "k-0")), Is.EqualTo(1), "stored once");
    }

    // Alice sends `content` as c-1 to the lobby and gets it acked; then the server restarts on the same database.
    private static async Task<(ChatServer Restarted, string OriginalId)> SendThenRestartAsync(string content)
    {
        var originalId = "";
        var (_, settings) = await ChatServer.RunThenStopAsync(Unlimited, async server =>
        {
            await using var alice = await server.ConnectAndJoinAsync("alice", "lobby");
            await alice.SendJsonAsync(new { type = "send", room_id = "lobby", content, client_msg_id = "c-1" });
            originalId = (await alice.ReceiveTypeAsync("ack", "lobby")).GetProperty("id").GetString()!;
        });

        return (await ChatServer.StartAsync(settings), originalId);
    }
}
