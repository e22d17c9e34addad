using System.Net;
using System.Text.Json;
using ChatSocket.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.Persistence;

[TestFixture]
public sealed class MessagePipelineTests
{
    private static readonly Dictionary<string, string?> Unlimited = new()
    {
        ["Chat:MessagesPerSecond"] = "100000",
        ["Chat:MessageBurst"] = "100000",
    };

    [Test]
    public async Task The_ack_comes_once_the_document_is_readable_and_it_matches_the_schema()
    {
        await using var server = await ChatServer.StartAsync();
        await using var alice = await server.ConnectAndJoinAsync("alice", "schema");

        await alice.SendJsonAsync(new { type = "send", room_id = "schema", content = "hello", client_msg_id = "c-1" });
        var message = await alice.ReceiveTypeAsync("message", "schema");
        var ack = await alice.ReceiveTypeAsync("ack", "schema");
        var id = ObjectId.Parse(ack.GetProperty("id").GetString());
        // Read at once: an ack means stored.
        var stored = await StoredMessages.Of(server).Find(new BsonDocument("_id", id)).SingleOrDefaultAsync();

        Assert.That(ack.GetProperty("id").GetString(), Is.EqualTo(message.GetProperty("id").GetString()));
        Assert.That(ack.GetProperty("client_msg_id").GetString(), Is.EqualTo("c-1"));
        Assert.That(stored, Is.Not.Null, "the acked message is in the database");
        Assert.That(stored.Names, Is.EquivalentTo(new[] { "_id", "room_id", "timestamp", "sender", "content", "client_msg_id" }));
        Assert.That(stored["room_id"], Is.EqualTo(new BsonString("schema")));
        Assert.That(stored["sender"], Is.EqualTo(new BsonString("alice")));
        Assert.That(stored["content"], Is.EqualTo(new BsonString("hello")));
        Assert.That(stored["client_msg_id"], Is.EqualTo(new BsonString("c-1")));
        Assert.That(stored["timestamp"].BsonType, Is.EqualTo(BsonType.DateTime));
        Assert.That(
            stored["timestamp"].ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            Is.EqualTo(message.GetProperty("timestamp").GetString()));
    }

    [Test]
    public async Task A_message_without_client_msg_id_is_stored_without_that_field_and_acked()
    {
        await using var server = await ChatServer.StartAsync();
        await using var alice = await server.ConnectAndJoinAsync("alice", "plain");

        await alice.SendTextAsync("typed in wscat");
        var ack = await alice.ReceiveTypeAsync("ack", "plain");
        var stored = await StoredMessages.Of(server).Find(new BsonDocument("_id", ObjectId.Parse(ack.GetProperty("id").GetString()))).SingleAsync();

        Assert.That(ack.TryGetProperty("client_msg_id", out _), Is.False);
        Assert.That(stored.Contains("client_msg_id"), Is.False);
        Assert.That(stored["content"], Is.EqualTo(new BsonString("typed in wscat")));
    }

    [Test]
    public async Task A_resend_is_broadcast_and_stored_once_and_acked_with_the_original_id()
    {
        await using var server = await ChatServer.StartAsync(Unlimited);
        await using var alice = await server.ConnectAndJoinAsync("alice", "resend");
        await using var bob = await server.ConnectAndJoinAsync("bob", "resend");

        await alice.SendJsonAsync(new { type = "send", room_id = "resend", content = "once", client_msg_id = "dup" });
        var firstAck = await alice.ReceiveTypeAsync("ack", "resend");
        await alice.SendJsonAsync(new { type = "send", room_id = "resend", content = "once", client_msg_id = "dup" });
        var secondAck = await alice.ReceiveTypeAsync("ack", "resend");
        await alice.SendJsonAsync(new { type = "send", room_id = "resend", content = "next", client_msg_id = "other" });

        var seenByBob = await bob.ReceiveMessagesAsync("resend", 2);
        Assert.That(seenByBob.Select(m => m.GetProperty("content").GetString()), Is.EqualTo(new[] { "once", "next" }), "the resend was not broadcast");
        Assert.That(secondAck.GetProperty("id").GetString(), Is.EqualTo(firstAck.GetProperty("id").GetString()));
        Assert.That(await StoredMessages.CountAsync(server, new BsonDocument("client_msg_id", "dup")), Is.EqualTo(1));
    }

    [Test]
    public async Task A_resend_after_a_restart_is_caught_by_the_unique_index_and_acked_with_the_original_id()
    {
        var originalId = "";
        var (_, settings) = await ChatServer.RunThenStopAsync(Unlimited, async server =>
        {
            await using var alice = await server.ConnectAndJoinAsync("alice", "resend2");
            await alice.SendJsonAsync(new { type = "send", room_id = "resend2", content = "once", client_msg_id = "dup" });
            originalId = (await alice.ReceiveTypeAsync("ack", "resend2")).GetProperty("id").GetString()!;
        });

        await using var second = await ChatServer.StartAsync(settings);
        await using var again = await second.ConnectAndJoinAsync("alice", "resend2");
        await again.SendJsonAsync(new { type = "send", room_id = "resend2", content = "once", client_msg_id = "dup" });
        var ack = await again.ReceiveTypeAsync("ack", "resend2");

        Assert.That(ack.GetProperty("id").GetString(), Is.EqualTo(originalId));
        Assert.That(await StoredMessages.CountAsync(second, new BsonDocument("client_msg_id", "dup")), Is.EqualTo(1));
    }

    [Test]
    public async Task History_survives_a_restart()
    {
        var sent = new List<string>();
        var (_, settings) = await ChatServer.RunThenStopAsync(Unlimited, async server =>
        {
            await using var alice = await server.ConnectAndJoinAsync("alice", "durable");
            for (var i = 0; i < 5; i++)
            {
                await alice.SendJsonAsync(new { type = "send", room_id = "durable", content = $"m{i}", client_msg_id = $"c{i}" });
            }

            for (var i = 0; i < 5; i++)
            {
                sent.Add((await alice.ReceiveTypeAsync("ack", "durable")).GetProperty("id").GetString()!);
            }
        });

        await using var second = await ChatServer.StartAsync(settings);
        await using var bob = await second.ConnectAsync("bob");
        await bob.SendJsonAsync(new { type = "join", room_id = "durable", history = 50 });
        var history = await bob.ReceiveTypeAsync("history", "durable");

        var messages = history.GetProperty("messages").EnumerateArray().ToList();
        // Acks of two batches in flight may arrive in either order; ids (fixed-length hex) sort in the room's order.
        Assert.That(messages.Select(m => m.GetProperty("id").GetString()), Is.EqualTo(sent.Order(StringComparer.Ordinal)));
        Assert.That(messages.Select(m => m.GetProperty("content").GetString()), Is.EqualTo(Enumerable.Range(0, 5).Select(i => $"m{i}")));
        Assert.That(history.GetProperty("has_more").GetBoolean(), Is.False);
    }

    [Test]
    public async Task A_full_queue_answers_overloaded_and_neither_broadcasts_nor_stores_the_message()
    {
        var embedded = TestStore.RequireEmbedded();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(Unlimited)
        {
            ["Persistence:QueueCapacity"] = "2",
            ["Persistence:BatchSize"] = "1",
            ["Persistence:MaxBatchesInFlight"] = "1",
            ["Persistence:EnqueueTimeout"] = "00:00:00.200",
        });
        await using var alice = await server.ConnectAndJoinAsync("alice", "full");
        try
        {
            embedded.Faults.FailCommands(91, "insert");
            // One batch is held by the failing writer, two more fill the queue; the fourth cannot get in.
            for (var i = 0; i < 3; i++)
            {
                await alice.SendJsonAsync(new { type = "send", room_id = "full", content = $"m{i}", client_msg_id = $"c{i}" });
                await alice.ReceiveAsync(f => f.GetProperty("type").GetString() == "message" && f.GetProperty("content").GetString() == $"m{i}");
            }

            await alice.SendJsonAsync(new { type = "send", room_id = "full", content = "too many", client_msg_id = "c3" });
            var error = await alice.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "message");

            Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("error"), "no broadcast for the rejected message");
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("overloaded"));
            Assert.That(error.GetProperty("ref").GetString(), Is.EqualTo("c3"));
        }
        finally
        {
            embedded.Faults.Reset();
        }

        await StoredMessages.WaitForCountAsync(server, 3);
        Assert.That(await StoredMessages.CountAsync(server, new BsonDocument("client_msg_id", "c3")), Is.Zero);
    }

    [Test]
    public async Task During_a_database_outage_chat_goes_on_readiness_drops_and_everything_is_stored_after()
    {
        var embedded = TestStore.RequireEmbedded();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(Unlimited)
        {
            ["Persistence:RetryInitialDelay"] = "00:00:00.020",
            ["Persistence:RetryMaxDelay"] = "00:00:00.200",
        });
        await using var alice = await server.ConnectAndJoinAsync("alice", "outage");
        await using var bob = await server.ConnectAndJoinAsync("bob", "outage");
        using var http = server.CreateHttpClient();
        try
        {
            embedded.Faults.FailCommands(91, "insert");
            for (var i = 0; i < 10; i++)
            {
                await alice.SendJsonAsync(new { type = "send", room_id = "outage", content = $"m{i}", client_msg_id = $"c{i}" });
            }

            var live = await bob.ReceiveMessagesAsync("outage", 10);
            Assert.That(live.Select(m => m.GetProperty("content").GetString()), Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"m{i}")));
            await Eventually.ReturnsAsync(() => http.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, "readiness to report the failing database");
            Assert.That(await StoredMessages.CountAsync(server), Is.Zero, "nothing stored while inserts fail");
        }
        finally
        {
            embedded.Faults.Reset();
        }

        var acks = new List<JsonElement>();
        for (var i = 0; i < 10; i++)
        {
            acks.Add(await alice.ReceiveTypeAsync("ack", "outage", TimeSpan.FromSeconds(20)));
        }

        Assert.That(acks.Select(a => a.GetProperty("client_msg_id").GetString()), Is.EquivalentTo(Enumerable.Range(0, 10).Select(i => $"c{i}")));
        Assert.That(await StoredMessages.CountAsync(server), Is.EqualTo(10));
        await Eventually.ReturnsAsync(() => http.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK, "readiness to recover");
    }

    [Test]
    public async Task Dropped_database_connections_lose_nothing()
    {
        var embedded = TestStore.RequireEmbedded();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(Unlimited)
        {
            ["Persistence:RetryInitialDelay"] = "00:00:00.020",
            ["Persistence:RetryMaxDelay"] = "00:00:00.200",
        });
        await using var alice = await server.ConnectAndJoinAsync("alice", "drops");
        try
        {
            embedded.Faults.CloseConnectionOnNextCommands(3, "insert");
            for (var i = 0; i < 20; i++)
            {
                await alice.SendJsonAsync(new { type = "send", room_id = "drops", content = $"m{i}", client_msg_id = $"c{i}" });
            }

            var acked = new HashSet<string>();
            while (acked.Count < 20)
            {
                acked.Add((await alice.ReceiveTypeAsync("ack", "drops", TimeSpan.FromSeconds(20))).GetProperty("client_msg_id").GetString()!);
            }
        }
        finally
        {
            embedded.Faults.Reset();
        }

        Assert.That(await StoredMessages.CountAsync(server), Is.EqualTo(20), "each message stored exactly once");
    }

    [Test]
    public async Task A_stop_during_an_outage_spills_and_the_next_start_stores_everything()
    {
        var embedded = TestStore.RequireEmbedded();
        ChatServer first;
        Dictionary<string, string?> settings;
        try
        {
            var outage = new Dictionary<string, string?>(Unlimited) { ["Persistence:ShutdownDrainTimeout"] = "00:00:00.500" };
            (first, settings) = await InsertOutage.SendThenStopAsync(outage, "spill", 7);
        }
        finally
        {
            embedded.Faults.Reset();
        }

        Assert.That(Directory.GetFiles(settings["Persistence:DataDirectory"]!, "spill-*.bson"), Has.Length.EqualTo(1), "the unstored messages were spilled");
        Assert.That(await StoredMessages.CountAsync(first), Is.Zero);

        await using var second = await ChatServer.StartAsync(settings);
        await StoredMessages.WaitForCountAsync(second, 7);
        await Eventually.ReturnsAsync(
            () => Task.FromResult(Directory.GetFiles(second.DataDirectory, "spill-*.bson").Length), n => n == 0, "the spill file to be removed once stored");
        await using var bob = await second.ConnectAsync("bob");
        await bob.SendJsonAsync(new { type = "join", room_id = "spill", history = 50 });
        var history = await bob.ReceiveTypeAsync("history", "spill");
        Assert.That(
            history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()),
            Is.EqualTo(Enumerable.Range(0, 7).Select(i => $"m{i}")));
    }
}
