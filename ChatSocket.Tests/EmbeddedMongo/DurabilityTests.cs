using ChatSocket.EmbeddedMongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>Engine-only: the journal in a data directory, replayed at start. Each test owns its directory.</summary>
public sealed class DurabilityTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = TestDirectory.Create();

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private string JournalPath => Path.Combine(_directory, "journal.bin");

    private Task<EmbeddedMongoServer> StartAsync() =>
        EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions { DataDirectory = _directory }).WaitAsync(Deadline);

    private static IMongoCollection<BsonDocument> Messages(MongoClient client) =>
        client.GetDatabase("chat").GetCollection<BsonDocument>("messages");

    private static async Task<List<BsonDocument>> AllAsync(MongoClient client) =>
        await Messages(client).Find(FilterDefinition<BsonDocument>.Empty).Sort(new BsonDocument("_id", 1)).ToListAsync().WaitAsync(Deadline);

    [Test]
    public async Task Inserts_updates_deletes_and_indexes_survive_a_restart()
    {
        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            var messages = Messages(client);
            await messages.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("k", 1), new CreateIndexOptions { Unique = true })).WaitAsync(Deadline);
            await messages.InsertManyAsync(Enumerable.Range(0, 100).Select(i => new BsonDocument { { "_id", i }, { "k", i } })).WaitAsync(Deadline);
            await messages.UpdateOneAsync(new BsonDocument("_id", 5), new BsonDocument("$set", new BsonDocument("edited", true))).WaitAsync(Deadline);
            await messages.DeleteManyAsync(new BsonDocument("_id", new BsonDocument("$gte", 90))).WaitAsync(Deadline);
            await client.GetDatabase("chat").GetCollection<BsonDocument>("scratch").InsertOneAsync(new BsonDocument("x", 1)).WaitAsync(Deadline);
            await client.GetDatabase("chat").DropCollectionAsync("scratch").WaitAsync(Deadline);
        }

        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            var all = await AllAsync(client);
            var names = await (await client.GetDatabase("chat").ListCollectionNamesAsync().WaitAsync(Deadline)).ToListAsync().WaitAsync(Deadline);
            var duplicate = Assert.ThrowsAsync<MongoWriteException>(() => Messages(client).InsertOneAsync(new BsonDocument("k", 3)).WaitAsync(Deadline));

            Assert.That(all.Select(d => d["_id"].AsInt32), Is.EqualTo(Enumerable.Range(0, 90)));
            Assert.That(all[5]["edited"].AsBoolean, Is.True);
            Assert.That(names, Is.EqualTo(new[] { "messages" }));
            Assert.That(duplicate!.WriteError.Code, Is.EqualTo(11000));
        }
    }

    [Test]
    public async Task A_text_index_is_journaled_and_answers_after_a_restart()
    {
        var textIndex = new CreateIndexModel<BsonDocument>(new BsonDocument { { "room_id", 1 }, { "content", "text" } }, new CreateIndexOptions { DefaultLanguage = "none" });
        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            await Messages(client).Indexes.CreateOneAsync(textIndex).WaitAsync(Deadline);
            await Messages(client).InsertManyAsync([new BsonDocument { { "_id", 1 }, { "room_id", "r" }, { "content", "Déploiement vendredi" } }]).WaitAsync(Deadline);
        }

        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            var found = await Messages(client).Find(new BsonDocument { { "room_id", "r" }, { "$text", new BsonDocument("$search", "deploiement") } }).ToListAsync().WaitAsync(Deadline);
            var again = await Messages(client).Indexes.CreateOneAsync(textIndex).WaitAsync(Deadline);

            Assert.That(found.Select(d => d["_id"].AsInt32), Is.EqualTo(new[] { 1 }));
            Assert.That(again, Is.EqualTo("room_id_1_content_text"));
        }
    }

    [Test]
    public async Task A_torn_last_record_is_dropped_and_the_engine_starts_with_everything_before_it()
    {
        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            await Messages(client).InsertManyAsync(Enumerable.Range(0, 10).Select(i => new BsonDocument("_id", i))).WaitAsync(Deadline);
        }

        var intactLength = new FileInfo(JournalPath).Length;
        await using (var journal = new FileStream(JournalPath, FileMode.Append))
        {
            // A record header announcing 500 bytes, followed by only a few: a crash in the middle of a write.
            await journal.WriteAsync(new byte[] { 0xF4, 0x01, 0, 0, 1, 2, 3, 4, 1, (byte)'c' }).AsTask().WaitAsync(Deadline);
        }

        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            var before = await AllAsync(client);
            await Messages(client).InsertOneAsync(new BsonDocument("_id", 10)).WaitAsync(Deadline);

            Assert.That(before.Select(d => d["_id"].AsInt32), Is.EqualTo(Enumerable.Range(0, 10)));
            Assert.That(new FileInfo(JournalPath).Length, Is.GreaterThan(intactLength));
        }

        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);

            Assert.That((await AllAsync(client)).Select(d => d["_id"].AsInt32), Is.EqualTo(Enumerable.Range(0, 11)));
        }
    }

    [Test]
    public async Task A_corrupt_last_record_is_dropped_by_its_checksum()
    {
        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            await Messages(client).InsertOneAsync(new BsonDocument("_id", 1)).WaitAsync(Deadline);
            await Messages(client).InsertOneAsync(new BsonDocument("_id", 2)).WaitAsync(Deadline);
        }

        var bytes = await File.ReadAllBytesAsync(JournalPath).WaitAsync(Deadline);
        bytes[^3] ^= 0xFF;
        await File.WriteAllBytesAsync(JournalPath, bytes).WaitAsync(Deadline);

        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);

            Assert.That((await AllAsync(client)).Select(d => d["_id"].AsInt32), Is.EqualTo(new[] { 1 }));
        }
    }

    [Test]
    public async Task Concurrent_writers_are_all_durable_after_a_restart()
    {
        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            var writers = Enumerable.Range(0, 8).Select(w =>
                Messages(client).InsertManyAsync(Enumerable.Range(0, 250).Select(i => new BsonDocument { { "_id", (w * 1000) + i }, { "writer", w } }), new InsertManyOptions { IsOrdered = false }));
            await Task.WhenAll(writers).WaitAsync(Deadline);
        }

        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);
            var count = await Messages(client).CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline);

            Assert.That(count, Is.EqualTo(2000));
        }
    }

    [Test]
    public async Task A_journal_mostly_made_of_deleted_documents_is_compacted_at_start_and_keeps_the_live_data()
    {
        var options = new EmbeddedMongoOptions { DataDirectory = _directory, CompactJournalAboveBytes = 0 };
        await using (var server = await EmbeddedMongoServer.StartAsync(options).WaitAsync(Deadline))
        {
            using var client = new MongoClient(server.ConnectionString);
            await Messages(client).Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("k", 1), new CreateIndexOptions { Unique = true })).WaitAsync(Deadline);
            await Messages(client).InsertManyAsync(Enumerable.Range(0, 3000).Select(i => new BsonDocument { { "_id", i }, { "k", i }, { "pad", new string('x', 200) } })).WaitAsync(Deadline);
            await Messages(client).DeleteManyAsync(new BsonDocument("_id", new BsonDocument("$gte", 10))).WaitAsync(Deadline);
        }

        var before = new FileInfo(JournalPath).Length;
        await using (var server = await EmbeddedMongoServer.StartAsync(options).WaitAsync(Deadline))
        {
            using var client = new MongoClient(server.ConnectionString);
            var after = new FileInfo(JournalPath).Length;
            var live = await AllAsync(client);
            var duplicate = Assert.ThrowsAsync<MongoWriteException>(() => Messages(client).InsertOneAsync(new BsonDocument("k", 3)).WaitAsync(Deadline));
            await Messages(client).InsertOneAsync(new BsonDocument { { "_id", 5000 }, { "k", 5000 } }).WaitAsync(Deadline);

            Assert.That(after, Is.LessThan(before / 10));
            Assert.That(live.Select(d => d["_id"].AsInt32), Is.EqualTo(Enumerable.Range(0, 10)));
            Assert.That(duplicate!.WriteError.Code, Is.EqualTo(11000));
        }

        await using (var server = await StartAsync())
        {
            using var client = new MongoClient(server.ConnectionString);

            Assert.That((await AllAsync(client)).Select(d => d["_id"].AsInt32), Is.EqualTo(Enumerable.Range(0, 10).Append(5000)));
        }
    }

    [Test]
    public async Task A_second_engine_cannot_open_a_data_directory_in_use()
    {
        await using var server = await StartAsync();

        Assert.ThrowsAsync<IOException>(StartAsync);
    }
}
