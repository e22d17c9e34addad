using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

public sealed class IndexTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static readonly CreateIndexModel<BsonDocument> ClientMessageIdIndex = new(
        new BsonDocument { { "room_id", 1 }, { "sender", 1 }, { "client_msg_id", 1 } },
        new CreateIndexOptions<BsonDocument>
        {
            Unique = true,
            Name = "room_sender_client_msg",
            PartialFilterExpression = new BsonDocument("client_msg_id", new BsonDocument("$exists", true)),
        });

    private static BsonDocument Message(string room, string sender, string? clientMessageId) =>
        clientMessageId is null
            ? new BsonDocument { { "room_id", room }, { "sender", sender }, { "content", "hi" } }
            : new BsonDocument { { "room_id", room }, { "sender", sender }, { "content", "hi" }, { "client_msg_id", clientMessageId } };

    [Test]
    public async Task CreateIndexes_is_idempotent_and_ListIndexes_shows_the_specs()
    {
        var collection = MongoTarget.NewCollection();

        await collection.Indexes.CreateManyAsync([ClientMessageIdIndex, new CreateIndexModel<BsonDocument>(new BsonDocument { { "room_id", 1 }, { "_id", -1 } })]).WaitAsync(Deadline);
        await collection.Indexes.CreateManyAsync([ClientMessageIdIndex, new CreateIndexModel<BsonDocument>(new BsonDocument { { "room_id", 1 }, { "_id", -1 } })]).WaitAsync(Deadline);
        var indexes = await (await collection.Indexes.ListAsync().WaitAsync(Deadline)).ToListAsync().WaitAsync(Deadline);

        Assert.That(indexes.Select(i => i["name"].AsString), Is.EquivalentTo(new[] { "_id_", "room_sender_client_msg", "room_id_1__id_-1" }));
        var unique = indexes.Single(i => i["name"] == "room_sender_client_msg");
        Assert.That(unique["unique"].AsBoolean, Is.True);
        Assert.That(unique["key"], Is.EqualTo(new BsonDocument { { "room_id", 1 }, { "sender", 1 }, { "client_msg_id", 1 } }));
        Assert.That(unique["partialFilterExpression"], Is.EqualTo(new BsonDocument("client_msg_id", new BsonDocument("$exists", true))));
    }

    [Test]
    public async Task An_unordered_insert_stores_every_document_but_the_duplicate_and_reports_its_index()
    {
        var collection = MongoTarget.NewCollection();
        await collection.Indexes.CreateOneAsync(ClientMessageIdIndex).WaitAsync(Deadline);
        await collection.InsertOneAsync(Message("r1", "ann", "m1")).WaitAsync(Deadline);

        var batch = new[] { Message("r1", "ann", "m2"), Message("r1", "ann", "m1"), Message("r1", "bob", "m1"), Message("r1", "ann", null), Message("r1", "ann", null) };
        var error = Assert.ThrowsAsync<MongoBulkWriteException<BsonDocument>>(() => collection.InsertManyAsync(batch, new InsertManyOptions { IsOrdered = false }).WaitAsync(Deadline));
        var stored = await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline);

        Assert.That(error!.WriteErrors, Has.Count.EqualTo(1));
        Assert.That(error.WriteErrors[0].Index, Is.EqualTo(1));
        Assert.That(error.WriteErrors[0].Code, Is.EqualTo(11000));
        Assert.That(error.WriteErrors[0].Message, Does.StartWith($"E11000 duplicate key error collection: {collection.CollectionNamespace.FullName} index: room_sender_client_msg dup key: {{ room_id: \"r1\", sender: \"ann\", client_msg_id: \"m1\" }}"));
        Assert.That(error.Result.InsertedCount, Is.EqualTo(4));
        Assert.That(stored, Is.EqualTo(5));
    }

    [Test]
    public async Task An_ordered_insert_stops_at_the_first_duplicate()
    {
        var collection = MongoTarget.NewCollection();
        await collection.Indexes.CreateOneAsync(ClientMessageIdIndex).WaitAsync(Deadline);

        var batch = new[] { Message("r1", "ann", "a"), Message("r1", "ann", "a"), Message("r1", "ann", "b") };
        var error = Assert.ThrowsAsync<MongoBulkWriteException<BsonDocument>>(() => collection.InsertManyAsync(batch, new InsertManyOptions { IsOrdered = true }).WaitAsync(Deadline));
        var stored = await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline);

        Assert.That(error!.WriteErrors.Single().Index, Is.EqualTo(1));
        Assert.That(stored, Is.EqualTo(1));
    }

    [Test]
    public async Task The_write_error_carries_the_key_pattern_and_key_value()
    {
        var collection = MongoTarget.NewCollection();
        await collection.Indexes.CreateOneAsync(ClientMessageIdIndex).WaitAsync(Deadline);
        await collection.InsertOneAsync(Message("r1", "ann", "k")).WaitAsync(Deadline);

        var insert = new BsonDocument { { "insert", collection.CollectionNamespace.CollectionName }, { "documents", new BsonArray { Message("r1", "ann", "k") } } };
        var reply = await MongoTarget.Database.RunCommandAsync<BsonDocument>(insert).WaitAsync(Deadline);
        var writeError = reply["writeErrors"][0].AsBsonDocument;

        Assert.That(reply["ok"].ToDouble(), Is.EqualTo(1.0));
        Assert.That(reply["n"].ToInt32(), Is.EqualTo(0));
        Assert.That(writeError["index"].ToInt32(), Is.EqualTo(0));
        Assert.That(writeError["code"].ToInt32(), Is.EqualTo(11000));
        Assert.That(writeError["keyPattern"], Is.EqualTo(new BsonDocument { { "room_id", 1 }, { "sender", 1 }, { "client_msg_id", 1 } }));
        Assert.That(writeError["keyValue"], Is.EqualTo(new BsonDocument { { "room_id", "r1" }, { "sender", "ann" }, { "client_msg_id", "k" } }));
    }

    [Test]
    public async Task Parallel_inserts_of_the_same_unique_key_store_exactly_one()
    {
        var collection = MongoTarget.NewCollection();
        await collection.Indexes.CreateOneAsync(ClientMessageIdIndex).WaitAsync(Deadline);

        var attempts = Enumerable.Range(0, 16).Select(async _ =>
        {
            try
            {
                await collection.InsertOneAsync(Message("race", "ann", "same")).WaitAsync(Deadline);
                return true;
            }
            catch (MongoWriteException e) when (e.WriteError.Code == 11000)
            {
                return false;
            }
        });
        var outcomes = await Task.WhenAll(attempts).WaitAsync(Deadline);
        var stored = await collection.CountDocumentsAsync(new BsonDocument("room_id", "race")).WaitAsync(Deadline);

        Assert.That(outcomes.Count(o => o), Is.EqualTo(1));
        Assert.That(stored, Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_writers_with_overlapping_unique_keys_and_concurrent_readers_stay_consistent()
    {
        var collection = MongoTarget.NewCollection();
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("k", 1), new CreateIndexOptions { Unique = true })).WaitAsync(Deadline);
        var writers = Enumerable.Range(0, 6).Select(async w =>
        {
            for (var batch = 0; batch < 10; batch++)
            {
                // Writers overlap: key k is written by up to two writers; exactly one copy may survive.
                var documents = Enumerable.Range(0, 50).Select(i => new BsonDocument { { "k", (((w / 2) * 500) + (batch * 50) + i) }, { "w", w } });
                try
                {
                    await collection.InsertManyAsync(documents, new InsertManyOptions { IsOrdered = false }).WaitAsync(Deadline);
                }
                catch (MongoBulkWriteException<BsonDocument> e) when (e.WriteErrors.All(error => error.Code == 11000))
                {
                    // The other writer of the pair stored these keys first.
                }
            }
        });
        var readers = Enumerable.Range(0, 3).Select(async _ =>
        {
            for (var i = 0; i < 20; i++)
            {
                var page = await collection.Find(new BsonDocument("k", new BsonDocument("$gte", 100))).Sort(new BsonDocument("k", 1)).Limit(40).ToListAsync().WaitAsync(Deadline);
                var keys = page.Select(d => d["k"].AsInt32).ToList();
                Assert.That(keys, Is.Ordered.And.Unique);
            }
        });

        await Task.WhenAll(writers.Concat(readers)).WaitAsync(Deadline);
        var stored = await collection.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync().WaitAsync(Deadline);

        Assert.That(stored.Select(d => d["k"].AsInt32), Is.EquivalentTo(Enumerable.Range(0, 1500)));
    }

    [Test]
    public async Task Creating_a_unique_index_over_duplicates_fails_with_11000()
    {
        var collection = MongoTarget.NewCollection();
        await collection.InsertManyAsync([new BsonDocument("k", 1), new BsonDocument("k", 1)]).WaitAsync(Deadline);

        var error = Assert.ThrowsAsync<MongoCommandException>(() => collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("k", 1), new CreateIndexOptions { Unique = true })).WaitAsync(Deadline));

        Assert.That(error!.Code, Is.EqualTo(11000));
    }

    [Test]
    public async Task Reusing_an_index_name_with_another_key_fails_with_IndexKeySpecsConflict()
    {
        var collection = MongoTarget.NewCollection();
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("a", 1), new CreateIndexOptions { Name = "same" })).WaitAsync(Deadline);

        var error = Assert.ThrowsAsync<MongoCommandException>(() => collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("b", 1), new CreateIndexOptions { Name = "same" })).WaitAsync(Deadline));

        Assert.That(error!.Code, Is.EqualTo(86));
    }

    [Test]
    public async Task DropIndexes_removes_one_index_and_a_missing_name_fails_with_IndexNotFound()
    {
        var collection = MongoTarget.NewCollection();
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("a", 1))).WaitAsync(Deadline);

        await collection.Indexes.DropOneAsync("a_1").WaitAsync(Deadline);
        var left = await (await collection.Indexes.ListAsync().WaitAsync(Deadline)).ToListAsync().WaitAsync(Deadline);
        var error = Assert.ThrowsAsync<MongoCommandException>(() => collection.Indexes.DropOneAsync("a_1").WaitAsync(Deadline));

        Assert.That(left.Select(i => i["name"].AsString), Is.EqualTo(new[] { "_id_" }));
        Assert.That(error!.Code, Is.EqualTo(27));
    }

    [Test]
    public async Task A_unique_index_on_an_array_field_rejects_a_shared_element()
    {
        var collection = MongoTarget.NewCollection();
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("tags", 1), new CreateIndexOptions { Unique = true })).WaitAsync(Deadline);
        await collection.InsertOneAsync(new BsonDocument("tags", new BsonArray { "a", "b" })).WaitAsync(Deadline);

        var error = Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(new BsonDocument("tags", new BsonArray { "c", "b" })).WaitAsync(Deadline));
        var found = await collection.Find(new BsonDocument("tags", "b")).ToListAsync().WaitAsync(Deadline);

        Assert.That(error!.WriteError.Code, Is.EqualTo(11000));
        Assert.That(found, Has.Count.EqualTo(1));
    }
}
