using System.Net;
using System.Reflection;
using System.Text.Json;
using ChatSocket.Tests.Support;
using MongoDB.Bson;

namespace ChatSocket.Tests.Persistence;

/// <summary>Edge cases of the durable pipeline found in review: outages during joins, restores, the id counter.</summary>
[TestFixture]
public sealed class PipelineEdgeTests
{
    private static readonly Dictionary<string, string?> Unlimited = new()
    {
        ["Chat:MessagesPerSecond"] = "100000",
        ["Chat:MessageBurst"] = "100000",
        ["Persistence:RetryInitialDelay"] = "00:00:00.020",
        ["Persistence:RetryMaxDelay"] = "00:00:00.200",
    };

    [Test]
    public async Task A_resume_that_cannot_read_the_database_gets_an_error_keeps_the_connection_and_leaves_no_empty_room()
    {
        var embedded = TestStore.RequireEmbedded();
        await using var server = await ChatServer.StartAsync(Unlimited);
        await using var alice = await server.ConnectAsync("alice");
        JsonElement answer;
        try
        {
            // Code 2 (BadValue) is not retryable: the history read fails at once.
            embedded.Faults.FailCommands(2, "find");
            await alice.SendJsonAsync(new { type = "join", room_id = "dark", since = ObjectId.GenerateNewId().ToString() });
            answer = await alice.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "history");
        }
        finally
        {
            embedded.Faults.Reset();
        }

        var rooms = await server.GetJsonAsync("/api/rooms");
        await alice.SendJsonAsync(new { type = "ping" });
        var pong = await alice.ReceiveTypeAsync("pong");

        // A resume's page may not have a hole, so it cannot be answered from memory alone.
        Assert.That(answer.GetProperty("type").GetString(), Is.EqualTo("error"));
        Assert.That(answer.GetProperty("code").GetString(), Is.EqualTo("unavailable"));
        Assert.That(pong.GetProperty("type").GetString(), Is.EqualTo("pong"), "the connection is still usable");
        Assert.That(rooms.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("room_id").GetString()), Has.No.Member("dark"), "no empty room is left behind");
    }

    [Test]
    public async Task A_join_that_cannot_read_the_database_gets_the_newest_messages_in_memory_with_has_more()
    {
        var embedded = TestStore.RequireEmbedded();
        await using var server = await ChatServer.StartAsync(Unlimited);
        await using var alice = await server.ConnectAsync("alice");
        // history: 0 reads nothing, so the server does not know whether the database holds older messages.
        await alice.SendJsonAsync(new { type = "join", room_id = "dim", history = 0 });
        await alice.ReceiveTypeAsync("history", "dim");
        await alice.SendJsonAsync(new { type = "send", room_id = "dim", content = "in memory" });
        await alice.ReceiveTypeAsync("ack", "dim");
        await using var bob = await server.ConnectAsync("bob");
        JsonElement history;
        try
        {
            embedded.Faults.FailCommands(2, "find");
            await bob.SendJsonAsync(new { type = "join", room_id = "dim", history = 10 });
            history = await bob.ReceiveAsync(f => f.GetProperty("type").GetString() is "error" or "history");
        }
        finally
        {
            embedded.Faults.Reset();
        }

        await alice.SendJsonAsync(new { type = "send", room_id = "dim", content = "live" });
        var live = await bob.ReceiveTypeAsync("message", "dim");

        Assert.That(history.GetProperty("type").GetString(), Is.EqualTo("history"), history.ToString());
        Assert.That(history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()), Is.EqualTo(new[] { "in memory" }));
        Assert.That(history.GetProperty("has_more").GetBoolean(), Is.True, "older messages may be in the database");
        Assert.That(live.GetProperty("content").GetString(), Is.EqualTo("live"), "joined: the live stream follows");
    }

    [Test]
    public async Task A_join_while_spilled_messages_are_being_restored_sees_them_and_so_does_a_join_after()
    {
        var embedded = TestStore.RequireEmbedded();
        var (_, settings) = await InsertOutage.SendThenStopAsync(new Dictionary<string, string?>(Unlimited) { ["Persistence:ShutdownDrainTimeout"] = "00:00:00.300" }, "restore", 3);

        List<string?> duringRestore;
        await using var second = await ChatServer.StartAsync(settings);
        try
        {
            // Inserts still fail: the restore of the spill file is under way (readiness says so), reads work.
            await using var bob = await second.ConnectAsync("bob");
            await bob.SendJsonAsync(new { type = "join", room_id = "restore", history = 50 });
            duringRestore = Contents(await bob.ReceiveTypeAsync("history", "restore"));
        }
        finally
        {
            embedded.Faults.Reset();
        }

        await StoredMessages.WaitForCountAsync(second, 3);
        await using var carol = await second.ConnectAsync("carol");
        await carol.SendJsonAsync(new { type = "join", room_id = "restore", history = 50 });
        var afterRestore = Contents(await carol.ReceiveTypeAsync("history", "restore"));

        var expected = new[] { "m0", "m1", "m2" };
        Assert.That(duringRestore, Is.EqualTo(expected), "a join during the restore sees the spilled messages");
        Assert.That(afterRestore, Is.EqualTo(expected), "a join after the restore sees the spilled messages");
    }

    [Test]
    public async Task Ids_keep_increasing_within_a_room_when_the_drivers_id_counter_wraps()
    {
        var counter = typeof(ObjectId).GetField("__staticIncrement", BindingFlags.NonPublic | BindingFlags.Static);
        Assert.That(counter, Is.Not.Null, "MongoDB.Bson keeps its ObjectId counter in __staticIncrement");
        await using var server = await ChatServer.StartAsync(Unlimited);
        await using var alice = await server.ConnectAndJoinAsync("alice", "wrap");

        // The wrap only reorders ids minted within one second: retry until one attempt fits in one second.
        var conclusive = false;
        for (var attempt = 0; attempt < 10 && !conclusive; attempt++)
        {
            await Eventually.ReturnsAsync(() => Task.FromResult(DateTime.UtcNow.Millisecond), ms => ms < 300, "the start of a second");
            var before = DateTime.UtcNow;
            counter!.SetValue(null, 0x00FFFFFD);
            for (var i = 0; i < 4; i++)
            {
                await alice.SendJsonAsync(new { type = "send", room_id = "wrap", content = $"a{attempt}m{i}" });
            }

            var ids = (await alice.ReceiveMessagesAsync("wrap", 4)).Select(m => ObjectId.Parse(m.GetProperty("id").GetString())).ToList();
            conclusive = (long)(DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds == (long)(before - DateTime.UnixEpoch).TotalSeconds;
            Assert.That(ids, Is.Ordered.Ascending, "delivery order is id order");
        }

        Assert.That(conclusive, Is.True, "one attempt minted its ids within one second");
    }

    [Test]
    public async Task A_damaged_document_in_a_spill_file_does_not_stop_the_writer()
    {
        var directory = TestStore.NewDataDirectory();
        var good = new BsonDocument
        {
            ["_id"] = ObjectId.GenerateNewId(),
            ["room_id"] = "damaged",
            ["timestamp"] = new BsonDateTime(DateTime.UtcNow),
            ["sender"] = "alice",
            ["content"] = "kept",
        };
        await using (var file = File.Create(Path.Combine(directory, "spill-00000000000000000001.bson")))
        {
            await file.WriteAsync(good.ToBson());
            await file.WriteAsync(new BsonDocument("unexpected", 1).ToBson());
        }

        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(Unlimited) { ["Persistence:DataDirectory"] = directory });
        using var http = server.CreateHttpClient();
        await Eventually.ReturnsAsync(() => http.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK, "readiness after the restore");
        await using var alice = await server.ConnectAndJoinAsync("alice", "damaged");
        await alice.SendJsonAsync(new { type = "send", room_id = "damaged", content = "after", client_msg_id = "c1" });
        var ack = await alice.ReceiveTypeAsync("ack", "damaged");

        Assert.That(ack.GetProperty("client_msg_id").GetString(), Is.EqualTo("c1"));
        Assert.That(await StoredMessages.CountAsync(server, new BsonDocument("content", "kept")), Is.EqualTo(1), "the readable part was stored");
        Assert.That(Directory.GetFiles(directory, "spill-*.bson.damaged"), Has.Length.EqualTo(1), "the damaged file is kept aside, not deleted");
    }

    [Test]
    public async Task A_spill_file_whose_rename_did_not_happen_before_a_crash_is_still_restored()
    {
        var directory = TestStore.NewDataDirectory();
        var spilled = new BsonDocument
        {
            ["_id"] = ObjectId.GenerateNewId(),
            ["room_id"] = "unrenamed",
            ["timestamp"] = new BsonDateTime(DateTime.UtcNow),
            ["sender"] = "alice",
            ["content"] = "fsync'd, not renamed",
        };
        // What SpillFile.WriteAsync leaves when the process dies after the fsync and before the rename.
        await File.WriteAllBytesAsync(Path.Combine(directory, "spill-00000000000000000001.bson.tmp"), spilled.ToBson());

        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(Unlimited) { ["Persistence:DataDirectory"] = directory });
        await StoredMessages.WaitForCountAsync(server, 1);

        Assert.That(await StoredMessages.CountAsync(server, new BsonDocument("_id", spilled["_id"])), Is.EqualTo(1));
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.GetFiles(directory, "spill-*").Length), n => n == 0, "the file to be removed once stored");
    }

    [Test]
    public async Task A_stop_while_an_insert_hangs_spills_its_messages_once_the_drain_deadline_passes()
    {
        var embedded = TestStore.RequireEmbedded();
        var settings = new Dictionary<string, string?>(Unlimited) { ["Persistence:ShutdownDrainTimeout"] = "00:00:00.500" };
        var server = await ChatServer.StartAsync(settings);
        try
        {
            await using var alice = await server.ConnectAndJoinAsync("alice", "hang");
            // Every command now takes a minute: the insert is in flight, unanswered, when the host stops.
            embedded.Faults.SetLatency(TimeSpan.FromMinutes(1));
            for (var i = 0; i < 3; i++)
            {
                // No client_msg_id: with one, the send would first wait for the database to say it is new.
                await alice.SendJsonAsync(new { type = "send", room_id = "hang", content = $"m{i}" });
            }

            await alice.ReceiveMessagesAsync("hang", 3);
            await server.StopAsync();
        }
        finally
        {
            embedded.Faults.Reset();
            await server.DisposeAsync();
        }

        var files = Directory.GetFiles(server.DataDirectory, "spill-*.bson");
        Assert.That(files, Has.Length.EqualTo(1), "the in-flight batch was spilled");
    }

    [Test]
    public async Task A_spill_that_cannot_be_written_ends_the_stop_cleanly_with_a_failing_exit_code()
    {
        var embedded = TestStore.RequireEmbedded();
        // A regular file where the spill directory should be: creating the directory fails like a full disk does.
        var blocked = Path.Combine(Path.GetTempPath(), $"chatsocket-blocked-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(blocked, "not a directory");
        var settings = new Dictionary<string, string?>(Unlimited)
        {
            ["Persistence:ShutdownDrainTimeout"] = "00:00:00.300",
            ["Persistence:DataDirectory"] = blocked,
        };
        var server = await ChatServer.StartAsync(settings);
        try
        {
            await using var alice = await server.ConnectAndJoinAsync("alice", "nospace");
            embedded.Faults.FailCommands(91, "insert");
            await alice.SendJsonAsync(new { type = "send", room_id = "nospace", content = "never acked" });
            await alice.ReceiveMessagesAsync("nospace", 1);

            Assert.That(async () => await server.StopAsync(), Throws.Nothing, "no unhandled exception at shutdown");
            Assert.That(Environment.ExitCode, Is.EqualTo(1), "the process will exit non-zero");
            Assert.That(alice.HasNoPendingFrame || (await alice.ReceiveAsync(_ => true)).GetProperty("type").GetString() != "ack", Is.True, "never acked");
        }
        finally
        {
            Environment.ExitCode = 0;
            embedded.Faults.Reset();
            await server.DisposeAsync();
            File.Delete(blocked);
        }
    }

    [Test]
    public async Task A_resume_from_before_the_ring_completes_while_the_room_keeps_sending()
    {
        var embedded = TestStore.RequireEmbedded();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(Unlimited)
        {
            ["Chat:MaxHistory"] = "5",
            ["Chat:DefaultHistory"] = "5",
            ["Chat:HistoryCapacity"] = "10",
        });
        await using var alice = await server.ConnectAndJoinAsync("alice", "busy");
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            await alice.SendJsonAsync(new { type = "send", room_id = "busy", content = $"m{i}" });
            ids.Add((await alice.ReceiveTypeAsync("ack", "busy")).GetProperty("id").GetString()!);
        }

        using var stop = new CancellationTokenSource();
        Task sending = Task.CompletedTask;
        JsonElement history;
        try
        {
            // Every history read is slow while the room keeps sending (and storing): the ring evicts during every read.
            await SlowDownAsync("find", TimeSpan.FromMilliseconds(300));
            sending = KeepSendingAsync(alice, "busy", stop.Token);
            await using var bob = await server.ConnectAsync("bob");
            await bob.SendJsonAsync(new { type = "join", room_id = "busy", since = ids[0], history = 5 });
            history = await bob.ReceiveTypeAsync("history", "busy", TimeSpan.FromSeconds(20));
        }
        finally
        {
            await stop.CancelAsync();
            await sending;
            embedded.Faults.Reset();
        }

        Assert.That(history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()), Is.EqualTo(ids.Skip(1).Take(5)));
        Assert.That(history.GetProperty("has_more").GetBoolean(), Is.True);
    }

    [Test]
    public async Task A_sender_with_many_messages_waiting_for_the_database_gets_all_their_acks_when_it_recovers()
    {
        var embedded = TestStore.RequireEmbedded();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(Unlimited)
        {
            ["Chat:SendQueueCapacity"] = "32",
        });
        await using var alice = await server.ConnectAndJoinAsync("alice", "backlog");
        const int count = 400;
        try
        {
            embedded.Faults.FailCommands(91, "insert");
            for (var i = 0; i < count; i++)
            {
                // One at a time (each echo read before the next send): alice is a fast reader all along.
                await alice.SendJsonAsync(new { type = "send", room_id = "backlog", content = $"m{i}", client_msg_id = $"c{i}" });
                await alice.ReceiveAsync(f => f.GetProperty("type").GetString() == "message" && f.GetProperty("content").GetString() == $"m{i}");
            }
        }
        finally
        {
            embedded.Faults.Reset();
        }

        var acked = new HashSet<string>();
        while (acked.Count < count)
        {
            acked.Add((await alice.ReceiveTypeAsync("ack", "backlog", TimeSpan.FromSeconds(20))).GetProperty("client_msg_id").GetString()!);
        }

        Assert.That(acked, Has.Count.EqualTo(count));
        Assert.That(alice.Closed.IsCompleted, Is.False, "not closed as a slow consumer by its own acks");
    }

    [Test]
    public async Task A_rest_catch_up_has_no_hole_when_a_later_message_is_stored_before_an_earlier_one()
    {
        var embedded = TestStore.RequireEmbedded();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(Unlimited)
        {
            // A failed insert waits long before its retry: the earlier message stays unstored while the later one lands.
            ["Persistence:RetryInitialDelay"] = "00:00:05",
            ["Persistence:RetryMaxDelay"] = "00:00:05",
            ["Persistence:MaxBatchesInFlight"] = "2",
        });
        await using var alice = await server.ConnectAndJoinAsync("alice", "holes");
        await alice.SendJsonAsync(new { type = "send", room_id = "holes", content = "a" });
        var a = (await alice.ReceiveTypeAsync("ack", "holes")).GetProperty("id").GetString();
        using var http = server.CreateHttpClient();
        Task<string> page;
        try
        {
            // The catch-up request has read the ring and waits for the database ...
            await SlowDownAsync("find", TimeSpan.FromSeconds(1));
            var finds = embedded.Faults.InjectedCount;
            page = http.GetStringAsync($"/api/rooms/holes/messages?after={a}");
            await Eventually.ReturnsAsync(() => Task.FromResult(embedded.Faults.InjectedCount), n => n > finds, "the catch-up's database read");

            // ... while x is sent (its insert fails, retried later) and then y (stored at once, in another batch).
            embedded.Faults.FailNextCommands(1, 91, "insert");
            await alice.SendJsonAsync(new { type = "send", room_id = "holes", content = "x" });
            await alice.ReceiveAsync(f => f.GetProperty("type").GetString() == "message" && f.GetProperty("content").GetString() == "x");
            await alice.SendJsonAsync(new { type = "send", room_id = "holes", content = "y" });
            await alice.ReceiveAsync(f => f.GetProperty("type").GetString() == "ack");
        }
        finally
        {
            embedded.Faults.Reset();
        }

        var contents = JsonDocument.Parse(await page.WaitAsync(ChatServer.Deadline)).RootElement.GetProperty("messages")
            .EnumerateArray().Select(m => m.GetProperty("content").GetString()).ToList();
        Assert.That(contents, Is.EqualTo(new[] { "x", "y" }).Or.EqualTo(new[] { "x" }).Or.Empty, "a page is a gap-free run after a: y never without x");
    }

    [Test]
    public async Task A_spill_file_restored_a_second_time_stores_nothing_twice()
    {
        var directory = TestStore.NewDataDirectory();
        var database = TestStore.NewDatabaseName();
        var documents = Enumerable.Range(0, 20).Select(i => new BsonDocument
        {
            ["_id"] = ObjectId.GenerateNewId(),
            ["room_id"] = "twice",
            ["timestamp"] = new BsonDateTime(DateTime.UtcNow),
            ["sender"] = "alice",
            ["content"] = $"m{i}",
            ["client_msg_id"] = $"c{i}",
        }).ToList();
        // The first restore stored all of it, then the process died before deleting the file.
        await TestStore.Client.GetDatabase(database).GetCollection<BsonDocument>("messages").InsertManyAsync(documents).WaitAsync(ChatServer.Deadline);
        await using (var file = File.Create(Path.Combine(directory, "spill-00000000000000000001.bson")))
        {
            foreach (var document in documents)
            {
                await file.WriteAsync(document.ToBson());
            }
        }

        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(Unlimited)
        {
            ["Mongo:Database"] = database,
            ["Persistence:DataDirectory"] = directory,
        });
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.GetFiles(directory, "spill-*").Length), n => n == 0, "the file to be removed once stored");

        Assert.That(await StoredMessages.CountAsync(server), Is.EqualTo(20));
    }

    private static Task SlowDownAsync(string command, TimeSpan delay) =>
        TestStore.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument
        {
            ["configureFailPoint"] = "failCommand",
            ["mode"] = "alwaysOn",
            ["data"] = new BsonDocument
            {
                ["failCommands"] = new BsonArray { command },
                ["blockConnection"] = true,
                ["blockTimeMS"] = (int)delay.TotalMilliseconds,
            },
        }).WaitAsync(ChatServer.Deadline);

    private static async Task KeepSendingAsync(ChatClient client, string roomId, CancellationToken cancellationToken)
    {
        for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
        {
            await client.SendJsonAsync(new { type = "send", room_id = roomId, content = $"live{i}" });
            await client.ReceiveAsync(f => f.GetProperty("type").GetString() == "message" && f.GetProperty("content").GetString() == $"live{i}");
        }
    }

    private static List<string?> Contents(JsonElement history) =>
        [.. history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString())];
}
