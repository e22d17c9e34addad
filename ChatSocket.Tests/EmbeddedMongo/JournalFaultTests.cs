using ChatSocket.EmbeddedMongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// Engine-only: writes the journal does not take (injected full-disk faults) are rolled back and answered with an
/// error, the journal stays readable, and an acknowledgement always follows an fsync. Each test owns its directory.
/// </summary>
public sealed class JournalFaultTests
{
    private const int OutOfDiskSpace = 14031;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private string _directory = null!;
    private WatchedJournalFile? _journal;

    [SetUp]
    public void CreateDirectory() => _directory = TestDirectory.Create();

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private Task<EmbeddedMongoServer> StartAsync() =>
        EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions
        {
            DataDirectory = _directory,
            JournalFileDecorator = file => _journal = new WatchedJournalFile(file),
        }).WaitAsync(Deadline);

    private static IMongoCollection<BsonDocument> Messages(MongoClient client) =>
        client.GetDatabase("chat").GetCollection<BsonDocument>("messages");

    private static async Task<List<BsonDocument>> AllAsync(MongoClient client) =>
        await Messages(client).Find(FilterDefinition<BsonDocument>.Empty).Sort(new BsonDocument("_id", 1)).ToListAsync().WaitAsync(Deadline);

    private static async Task<List<int>> IdsAsync(MongoClient client) => (await AllAsync(client)).Select(d => d["_id"].AsInt32).ToList();

    private static int CodeOf(Exception? exception) => exception switch
    {
        MongoCommandException command => command.Code,
        MongoWriteException write => write.WriteError.Code,
        _ => throw new AssertionException($"expected a command error, got {exception}"),
    };

    [Test]
    public async Task An_insert_the_journal_could_not_write_is_answered_with_OutOfDiskSpace_is_not_visible_and_can_be_retried()
    {
        await using var server = await StartAsync();
        using var client = new MongoClient(server.ConnectionString);
        await Messages(client).InsertOneAsync(new BsonDocument("_id", 1)).WaitAsync(Deadline);
        server.Faults.FailNextJournalWrites(1);

        var error = Assert.ThrowsAsync(Is.InstanceOf<MongoException>(), () => Messages(client).InsertOneAsync(new BsonDocument("_id", 2)).WaitAsync(Deadline));
        var visible = await IdsAsync(client);
        await Messages(client).InsertOneAsync(new BsonDocument("_id", 2)).WaitAsync(Deadline);

        Assert.That(CodeOf(error), Is.EqualTo(OutOfDiskSpace));
        Assert.That(error!.Message, Does.Contain("journal could not be written"));
        Assert.That(visible, Is.EqualTo(new[] { 1 }));
        Assert.That(await IdsAsync(client), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public async Task A_rolled_back_insert_and_update_leave_the_text_index_as_it_was_and_survive_a_restart()
    {
        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            await Messages(client).Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
                new BsonDocument { { "room_id", 1 }, { "content", "text" } },
                new CreateIndexOptions { DefaultLanguage = "none" })).WaitAsync(Deadline);
            await Messages(client).InsertOneAsync(TextMessage(1, "deploy friday")).WaitAsync(Deadline);

            server.Faults.FailNextJournalFlushes(1);
            Assert.ThrowsAsync(Is.InstanceOf<MongoException>(), () => Messages(client).InsertOneAsync(TextMessage(2, "deploy monday")).WaitAsync(Deadline));
            server.Faults.FailNextJournalFlushes(1);
            Assert.ThrowsAsync(Is.InstanceOf<MongoException>(), () => Messages(client).UpdateOneAsync(
                new BsonDocument("_id", 1), Builders<BsonDocument>.Update.Set("content", "rollback tuesday")).WaitAsync(Deadline));

            Assert.That(await FoundAsync(client, "deploy"), Is.EqualTo(new[] { 1 }));
            Assert.That(await FoundAsync(client, "monday tuesday rollback"), Is.Empty);
            Assert.That(await FoundAsync(client, "friday"), Is.EqualTo(new[] { 1 }));
            await Messages(client).InsertOneAsync(TextMessage(2, "deploy monday")).WaitAsync(Deadline);
        }

        await using (var restarted = await StartAsync())
        {
            using var client = new MongoClient(restarted.ConnectionString);
            Assert.That(await FoundAsync(client, "deploy"), Is.EqualTo(new[] { 1, 2 }), "rebuilt from the journal");
            Assert.That(await FoundAsync(client, "monday"), Is.EqualTo(new[] { 2 }));
        }
    }

    private static BsonDocument TextMessage(int id, string content) =>
        new() { { "_id", id }, { "room_id", "r1" }, { "content", content } };

    private static async Task<List<int>> FoundAsync(MongoClient client, string search)
    {
        var filter = new BsonDocument { { "room_id", "r1" }, { "$text", new BsonDocument("$search", search) } };
        var found = await Messages(client).Find(filter).ToListAsync().WaitAsync(Deadline);
        return [.. found.Select(d => d["_id"].AsInt32).Order()];
    }

    [Test]
    public async Task An_insert_whose_fsync_failed_is_not_acknowledged_and_not_visible()
    {
        await using var server = await StartAsync();
        using var client = new MongoClient(server.ConnectionString);
        server.Faults.FailNextJournalFlushes(1);

        var error = Assert.ThrowsAsync(Is.InstanceOf<MongoException>(), () => Messages(client).InsertOneAsync(new BsonDocument("_id", 1)).WaitAsync(Deadline));
        var visible = await IdsAsync(client);
        await Messages(client).InsertOneAsync(new BsonDocument("_id", 1)).WaitAsync(Deadline);

        Assert.That(CodeOf(error), Is.EqualTo(OutOfDiskSpace));
        Assert.That(visible, Is.Empty);
        Assert.That(await IdsAsync(client), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public async Task Updates_deletes_index_changes_and_drops_the_journal_could_not_write_are_rolled_back()
    {
        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            var messages = Messages(client);
            await messages.InsertManyAsync([new BsonDocument { { "_id", 1 }, { "k", 1 } }, new BsonDocument { { "_id", 2 }, { "k", 2 } }]).WaitAsync(Deadline);
            await messages.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("k", 1), new CreateIndexOptions { Name = "k_1", Unique = true })).WaitAsync(Deadline);

            server.Faults.FailNextJournalWrites(1);
            Assert.ThrowsAsync(Is.InstanceOf<MongoException>(), () => messages.UpdateManyAsync(FilterDefinition<BsonDocument>.Empty, new BsonDocument("$inc", new BsonDocument("k", 10))).WaitAsync(Deadline));
            server.Faults.FailNextJournalWrites(1);
            Assert.ThrowsAsync(Is.InstanceOf<MongoException>(), () => messages.DeleteOneAsync(new BsonDocument("_id", 1)).WaitAsync(Deadline));
            server.Faults.FailNextJournalWrites(1);
            Assert.ThrowsAsync(Is.InstanceOf<MongoException>(), () => messages.Indexes.DropOneAsync("k_1").WaitAsync(Deadline));
            server.Faults.FailNextJournalWrites(1);
            Assert.ThrowsAsync(Is.InstanceOf<MongoException>(), () => client.GetDatabase("chat").DropCollectionAsync("messages").WaitAsync(Deadline));

            var duplicate = Assert.ThrowsAsync<MongoWriteException>(() => messages.InsertOneAsync(new BsonDocument { { "_id", 3 }, { "k", 2 } }).WaitAsync(Deadline));
            Assert.That(duplicate!.WriteError.Code, Is.EqualTo(11000), "the unique index is still there and still complete");
            Assert.That((await AllAsync(client)).Select(d => d["k"].AsInt32), Is.EqualTo(new[] { 1, 2 }));
        }

        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);

            Assert.That((await AllAsync(client)).Select(d => d["k"].AsInt32), Is.EqualTo(new[] { 1, 2 }));
        }
    }

    [Test]
    public async Task A_torn_append_is_cut_off_so_later_appends_survive_a_restart()
    {
        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            await Messages(client).InsertManyAsync(Enumerable.Range(0, 5).Select(i => new BsonDocument("_id", i))).WaitAsync(Deadline);
            server.Faults.FailNextJournalWrites(1);
            Assert.ThrowsAsync(Is.InstanceOf<MongoException>(), () => Messages(client).InsertOneAsync(new BsonDocument { { "_id", 5 }, { "pad", new string('x', 4000) } }).WaitAsync(Deadline));
            foreach (var id in Enumerable.Range(6, 4))
            {
                await Messages(client).InsertOneAsync(new BsonDocument("_id", id)).WaitAsync(Deadline);
            }
        }

        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);

            Assert.That(await IdsAsync(client), Is.EqualTo(new[] { 0, 1, 2, 3, 4, 6, 7, 8, 9 }));
        }
    }

    [Test]
    public async Task Every_write_in_a_group_commit_batch_that_failed_fails_and_none_stays_visible()
    {
        await using var server = await StartAsync();
        using var client = new MongoClient(server.ConnectionString);
        await Messages(client).InsertOneAsync(new BsonDocument("_id", 0)).WaitAsync(Deadline);
        using var hold = new ManualResetEventSlim();
        _journal!.HoldFlushes = hold;

        // The first batch waits in its fsync, so the next writers all land in the batch after it: the one that fails.
        var first = Messages(client).InsertOneAsync(new BsonDocument("_id", 1));
        await WaitUntilAsync(() => _journal.FlushesStarted >= 2, "the first batch's fsync");
        var batch = Enumerable.Range(2, 5).Select(i => Messages(client).InsertOneAsync(new BsonDocument("_id", i))).ToList();
        await WaitUntilAsync(() => CountInMemory(server) == 7, "the batch's inserts to be applied");
        server.Faults.FailNextJournalWrites(1);
        _journal.HoldFlushes = null;
        hold.Set();

        await first.WaitAsync(Deadline);
        foreach (var insert in batch)
        {
            Assert.That(CodeOf(Assert.ThrowsAsync(Is.InstanceOf<MongoException>(), () => insert.WaitAsync(Deadline))), Is.EqualTo(OutOfDiskSpace));
        }

        Assert.That(await IdsAsync(client), Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public async Task An_insert_is_acknowledged_only_after_an_fsync_that_covered_its_record()
    {
        await using var server = await StartAsync();
        using var client = new MongoClient(server.ConnectionString);
        var before = 0L;
        for (var i = 0; i < 3; i++)
        {
            await Messages(client).InsertOneAsync(new BsonDocument("_id", i)).WaitAsync(Deadline);

            Assert.That(_journal!.WrittenThrough, Is.GreaterThan(before), "the record was written");
            Assert.That(_journal.FlushedThrough, Is.EqualTo(_journal.WrittenThrough), "an fsync after the write, before the ack");
            before = _journal.WrittenThrough;
        }
    }

    [Test]
    public async Task A_duplicate_key_is_not_answered_on_a_document_whose_write_is_then_rolled_back()
    {
        // ChatSocket's writer counts a duplicate key as stored once it reads the document it met: answered while that
        // document's record still waits for its fsync, the duplicate could rest on a write that is rolled back.
        await using var server = await StartAsync();
        using var client = new MongoClient(server.ConnectionString);
        await Messages(client).InsertOneAsync(new BsonDocument("_id", 0)).WaitAsync(Deadline);
        using var hold = new ManualResetEventSlim();
        _journal!.HoldFlushes = hold;

        var original = Messages(client).InsertOneAsync(new BsonDocument { { "_id", 1 }, { "content", "a" } });
        await WaitUntilAsync(() => _journal.FlushesStarted >= 2, "the original's fsync");
        var resend = Messages(client).InsertOneAsync(new BsonDocument { { "_id", 1 }, { "content", "a" } });
        // The resend has met the original's document and waits for its record (a busy machine may take a while).
        await WaitUntilAsync(() => server.Storage.Journal!.SettleWaits >= 1 || resend.IsCompleted, "the resend's wait");
        server.Faults.FailNextJournalFlushes(1);
        _journal.HoldFlushes = null;
        hold.Set();

        Assert.That(CodeOf(Assert.ThrowsAsync(Is.InstanceOf<MongoException>(), () => original.WaitAsync(Deadline))), Is.EqualTo(OutOfDiskSpace));
        Assert.That(CodeOf(Assert.ThrowsAsync(Is.InstanceOf<MongoException>(), () => resend.WaitAsync(Deadline))), Is.EqualTo(OutOfDiskSpace),
            "the resend must fail as the write it met did, not be a duplicate of a document that was rolled back");
        Assert.That(await IdsAsync(client), Is.EqualTo(new[] { 0 }));
        await Messages(client).InsertOneAsync(new BsonDocument { { "_id", 1 }, { "content", "a" } }).WaitAsync(Deadline);
    }

    private static int CountInMemory(EmbeddedMongoServer server)
    {
        var collection = server.Storage.Find("chat", "messages")!;
        lock (collection.Sync)
        {
            return collection.Count;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out waiting for " + what);
            await Task.Delay(10);
        }
    }
}
