using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

public sealed class MoreCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Test]
    public async Task A_lookup_by_the_unique_partial_key_finds_the_original_message()
    {
        var collection = MongoTarget.NewCollection("dedupe");
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            new BsonDocument { { "room_id", 1 }, { "sender", 1 }, { "client_msg_id", 1 } },
            new CreateIndexOptions<BsonDocument> { Unique = true, PartialFilterExpression = new BsonDocument("client_msg_id", new BsonDocument("$exists", true)) })).WaitAsync(Deadline);
        await collection.InsertManyAsync(Enumerable.Range(0, 50).Select(i => new BsonDocument { { "room_id", "r" }, { "sender", "s" + (i % 5) }, { "client_msg_id", "m" + i } })).WaitAsync(Deadline);
        await collection.InsertOneAsync(new BsonDocument { { "room_id", "r" }, { "sender", "s1" } }).WaitAsync(Deadline);

        var found = await collection.Find(new BsonDocument { { "room_id", "r" }, { "sender", "s1" }, { "client_msg_id", "m11" } }).ToListAsync().WaitAsync(Deadline);
        var withoutId = await collection.Find(new BsonDocument { { "room_id", "r" }, { "sender", "s1" }, { "client_msg_id", new BsonDocument("$exists", false) } }).ToListAsync().WaitAsync(Deadline);

        Assert.That(found.Single()["client_msg_id"].AsString, Is.EqualTo("m11"));
        Assert.That(withoutId, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Unacknowledged_writes_are_applied()
    {
        var collection = MongoTarget.NewCollection().WithWriteConcern(WriteConcern.Unacknowledged);

        await collection.InsertOneAsync(new BsonDocument("_id", 1)).WaitAsync(Deadline);
        var acknowledged = collection.WithWriteConcern(WriteConcern.Acknowledged);
        await acknowledged.InsertOneAsync(new BsonDocument("_id", 2)).WaitAsync(Deadline);

        // The unacknowledged insert may travel on another pooled connection: wait for it rather than race it.
        var deadline = DateTime.UtcNow + Deadline;
        long count;
        while ((count = await acknowledged.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline)) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.That(count, Is.EqualTo(2));
    }

    [Test]
    public async Task A_mixed_bulk_write_reports_each_kind_of_change()
    {
        var collection = MongoTarget.NewCollection();
        await collection.InsertManyAsync(Enumerable.Range(0, 5).Select(i => new BsonDocument { { "_id", i }, { "v", i } })).WaitAsync(Deadline);

        var result = await collection.BulkWriteAsync(new WriteModel<BsonDocument>[]
        {
            new InsertOneModel<BsonDocument>(new BsonDocument { { "_id", 10 }, { "v", 10 } }),
            new UpdateManyModel<BsonDocument>(new BsonDocument("v", new BsonDocument("$lt", 2)), new BsonDocument("$mul", new BsonDocument("v", 100))),
            new DeleteOneModel<BsonDocument>(new BsonDocument("_id", 4)),
            new ReplaceOneModel<BsonDocument>(new BsonDocument("_id", 20), new BsonDocument("v", 20)) { IsUpsert = true },
        }).WaitAsync(Deadline);
        var values = (await collection.Find(FilterDefinition<BsonDocument>.Empty).Sort(new BsonDocument("_id", 1)).ToListAsync().WaitAsync(Deadline)).Select(d => d["v"].ToInt32());

        Assert.That(result.InsertedCount, Is.EqualTo(1));
        Assert.That(result.MatchedCount, Is.EqualTo(2));
        Assert.That(result.ModifiedCount, Is.EqualTo(1));
        Assert.That(result.DeletedCount, Is.EqualTo(1));
        Assert.That(result.Upserts.Single().Id, Is.EqualTo(new BsonInt32(20)));
        Assert.That(values, Is.EqualTo(new[] { 0, 100, 2, 3, 10, 20 }));
    }

    [Test]
    public async Task Push_min_and_max_update_arrays_and_bounds()
    {
        var collection = MongoTarget.NewCollection();
        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "lo", 5 }, { "hi", 5 } }).WaitAsync(Deadline);

        await collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument
        {
            { "$push", new BsonDocument("list", new BsonDocument("$each", new BsonArray { 1, 2 })) },
            { "$min", new BsonDocument("lo", 3) },
            { "$max", new BsonDocument("hi", 4) },
        }).WaitAsync(Deadline);
        await collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$push", new BsonDocument("list", 3))).WaitAsync(Deadline);
        var stored = await collection.Find(new BsonDocument("_id", 1)).SingleAsync().WaitAsync(Deadline);

        Assert.That(stored, Is.EqualTo(new BsonDocument { { "_id", 1 }, { "lo", 3 }, { "hi", 5 }, { "list", new BsonArray { 1, 2, 3 } } }));
    }

    [Test]
    public async Task DropDatabase_removes_every_collection_of_that_database()
    {
        var name = "dropme_" + Guid.NewGuid().ToString("N")[..8];
        var database = MongoTarget.Client.GetDatabase(name);
        await database.GetCollection<BsonDocument>("a").InsertOneAsync(new BsonDocument("x", 1)).WaitAsync(Deadline);
        await database.GetCollection<BsonDocument>("b").InsertOneAsync(new BsonDocument("x", 1)).WaitAsync(Deadline);

        await MongoTarget.Client.DropDatabaseAsync(name).WaitAsync(Deadline);
        var names = await (await database.ListCollectionNamesAsync().WaitAsync(Deadline)).ToListAsync().WaitAsync(Deadline);

        Assert.That(names, Is.Empty);
    }

    [Test]
    public async Task ListIndexes_on_a_missing_collection_is_empty_because_the_driver_absorbs_NamespaceNotFound()
    {
        var collection = MongoTarget.NewCollection("nothing");

        var indexes = await (await collection.Indexes.ListAsync().WaitAsync(Deadline)).ToListAsync().WaitAsync(Deadline);
        var raw = Assert.ThrowsAsync<MongoCommandException>(() => MongoTarget.Database.RunCommandAsync<BsonDocument>(new BsonDocument("listIndexes", collection.CollectionNamespace.CollectionName)).WaitAsync(Deadline));

        Assert.That(indexes, Is.Empty);
        Assert.That(raw!.Code, Is.EqualTo(26));
    }

    [Test]
    public async Task Count_honours_skip_and_limit()
    {
        var collection = MongoTarget.NewCollection();
        await collection.InsertManyAsync(Enumerable.Range(0, 20).Select(i => new BsonDocument("i", i))).WaitAsync(Deadline);

        var counted = await collection.CountDocumentsAsync(new BsonDocument("i", new BsonDocument("$gte", 5)), new CountOptions { Skip = 3, Limit = 10 }).WaitAsync(Deadline);

        Assert.That(counted, Is.EqualTo(10));
    }
}
