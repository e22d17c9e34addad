using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

public sealed class InsertAndFindTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static async Task<IMongoCollection<BsonDocument>> SeededAsync(int count)
    {
        var collection = MongoTarget.NewCollection();
        var documents = Enumerable.Range(0, count).Select(i => new BsonDocument { { "_id", i }, { "n", i }, { "group", i % 3 }, { "name", "doc" + i } });
        await collection.InsertManyAsync(documents).WaitAsync(Deadline);
        return collection;
    }

    [Test]
    public async Task InsertOne_then_Find_returns_the_document_with_a_generated_ObjectId()
    {
        var collection = MongoTarget.NewCollection();
        var document = new BsonDocument { { "text", "hello" }, { "nested", new BsonDocument("a", 1) }, { "list", new BsonArray { 1, "two" } } };

        await collection.InsertOneAsync(document).WaitAsync(Deadline);
        var found = await collection.Find(new BsonDocument("text", "hello")).SingleAsync().WaitAsync(Deadline);

        Assert.That(found["_id"].IsObjectId, Is.True);
        Assert.That(found, Is.EqualTo(document));
    }

    [Test]
    public async Task Find_filters_sorts_skips_and_limits()
    {
        var collection = await SeededAsync(50);

        var found = await collection.Find(new BsonDocument("group", 1)).Sort(new BsonDocument("n", -1)).Skip(2).Limit(3).ToListAsync().WaitAsync(Deadline);

        Assert.That(found.Select(d => d["n"].AsInt32), Is.EqualTo(new[] { 43, 40, 37 }));
    }

    [Test]
    public async Task Find_projects_included_and_excluded_fields()
    {
        var collection = await SeededAsync(3);

        var included = await collection.Find(new BsonDocument("_id", 1)).Project(new BsonDocument { { "name", 1 }, { "_id", 0 } }).SingleAsync().WaitAsync(Deadline);
        var excluded = await collection.Find(new BsonDocument("_id", 1)).Project(new BsonDocument("name", 0)).SingleAsync().WaitAsync(Deadline);

        Assert.That(included, Is.EqualTo(new BsonDocument("name", "doc1")));
        Assert.That(excluded, Is.EqualTo(new BsonDocument { { "_id", 1 }, { "n", 1 }, { "group", 1 } }));
    }

    [Test]
    public async Task A_cursor_returns_every_document_across_many_batches()
    {
        var collection = await SeededAsync(250);

        var found = await collection.Find(FilterDefinition<BsonDocument>.Empty, new FindOptions { BatchSize = 7 }).Sort(new BsonDocument("_id", 1)).ToListAsync().WaitAsync(Deadline);

        Assert.That(found.Select(d => d["_id"].AsInt32), Is.EqualTo(Enumerable.Range(0, 250)));
    }

    [Test]
    public async Task A_default_first_batch_holds_101_documents_and_getMore_the_rest()
    {
        var collection = await SeededAsync(150);
        var reply = await MongoTarget.Database.RunCommandAsync<BsonDocument>(new BsonDocument { { "find", collection.CollectionNamespace.CollectionName }, { "sort", new BsonDocument("_id", 1) } }).WaitAsync(Deadline);
        var cursorId = reply["cursor"]["id"].AsInt64;

        var more = await MongoTarget.Database.RunCommandAsync<BsonDocument>(new BsonDocument { { "getMore", cursorId }, { "collection", collection.CollectionNamespace.CollectionName } }).WaitAsync(Deadline);

        Assert.That(reply["cursor"]["firstBatch"].AsBsonArray, Has.Count.EqualTo(101));
        Assert.That(cursorId, Is.Not.EqualTo(0));
        Assert.That(more["cursor"]["nextBatch"].AsBsonArray, Has.Count.EqualTo(49));
        Assert.That(more["cursor"]["id"].AsInt64, Is.EqualTo(0));
    }

    [Test]
    public async Task KillCursors_kills_an_open_cursor_and_getMore_then_fails_with_CursorNotFound()
    {
        var collection = await SeededAsync(30);
        var name = collection.CollectionNamespace.CollectionName;
        var reply = await MongoTarget.Database.RunCommandAsync<BsonDocument>(new BsonDocument { { "find", name }, { "batchSize", 5 } }).WaitAsync(Deadline);
        var cursorId = reply["cursor"]["id"].AsInt64;

        var killed = await MongoTarget.Database.RunCommandAsync<BsonDocument>(new BsonDocument { { "killCursors", name }, { "cursors", new BsonArray { cursorId } } }).WaitAsync(Deadline);
        var error = Assert.ThrowsAsync<MongoCommandException>(() => MongoTarget.Database.RunCommandAsync<BsonDocument>(new BsonDocument { { "getMore", cursorId }, { "collection", name } }).WaitAsync(Deadline));

        Assert.That(killed["cursorsKilled"].AsBsonArray, Is.EqualTo(new BsonArray { cursorId }));
        Assert.That(error!.Code, Is.EqualTo(43));
    }

    [Test]
    public async Task Find_on_a_missing_collection_returns_nothing()
    {
        var collection = MongoTarget.NewCollection("missing");

        var found = await collection.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync().WaitAsync(Deadline);

        Assert.That(found, Is.Empty);
    }

    [Test]
    public async Task Inserting_an_existing_id_fails_with_E11000_on_the_id_index()
    {
        var collection = await SeededAsync(1);

        var error = Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(new BsonDocument("_id", 0)).WaitAsync(Deadline));

        Assert.That(error!.WriteError.Code, Is.EqualTo(11000));
        Assert.That(error.WriteError.Message, Does.StartWith($"E11000 duplicate key error collection: {collection.CollectionNamespace.FullName} index: _id_ dup key: {{ _id: 0 }}"));
    }

    [Test]
    public async Task DeleteOne_and_DeleteMany_report_how_many_they_removed()
    {
        var collection = await SeededAsync(30);

        var one = await collection.DeleteOneAsync(new BsonDocument("group", 0)).WaitAsync(Deadline);
        var many = await collection.DeleteManyAsync(new BsonDocument("group", 1)).WaitAsync(Deadline);
        var left = await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline);

        Assert.That(one.DeletedCount, Is.EqualTo(1));
        Assert.That(many.DeletedCount, Is.EqualTo(10));
        Assert.That(left, Is.EqualTo(19));
    }

    [Test]
    public async Task Counts_follow_the_filter()
    {
        var collection = await SeededAsync(30);

        var counted = await collection.CountDocumentsAsync(new BsonDocument("group", 2)).WaitAsync(Deadline);
        var estimated = await collection.EstimatedDocumentCountAsync().WaitAsync(Deadline);
        var none = await collection.CountDocumentsAsync(new BsonDocument("group", 7)).WaitAsync(Deadline);

        Assert.That(counted, Is.EqualTo(10));
        Assert.That(estimated, Is.EqualTo(30));
        Assert.That(none, Is.EqualTo(0));
    }

    [Test]
    public async Task Drop_removes_the_collection_and_its_documents()
    {
        var collection = await SeededAsync(5);

        await MongoTarget.Database.DropCollectionAsync(collection.CollectionNamespace.CollectionName).WaitAsync(Deadline);
        var left = await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline);

        Assert.That(left, Is.EqualTo(0));
    }
}
