using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

public sealed class UpdateTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static async Task<IMongoCollection<BsonDocument>> SeededAsync()
    {
        var collection = MongoTarget.NewCollection("updates");
        await collection.InsertManyAsync(
        [
            new BsonDocument { { "_id", 1 }, { "n", 1 }, { "s", "a" }, { "sub", new BsonDocument("x", 1) } },
            new BsonDocument { { "_id", 2 }, { "n", 2 }, { "s", "b" } },
            new BsonDocument { { "_id", 3 }, { "n", 3 }, { "s", "b" } },
        ]).WaitAsync(Deadline);
        return collection;
    }

    private static Task<BsonDocument> GetAsync(IMongoCollection<BsonDocument> collection, int id) =>
        collection.Find(new BsonDocument("_id", id)).SingleAsync().WaitAsync(Deadline);

    [Test]
    public async Task UpdateOne_sets_unsets_and_increments()
    {
        var collection = await SeededAsync();

        var result = await collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument
        {
            { "$set", new BsonDocument { { "s", "z" }, { "sub.y", 2 } } },
            { "$unset", new BsonDocument("n", "") },
            { "$inc", new BsonDocument("count", 5) },
        }).WaitAsync(Deadline);

        Assert.That(result.MatchedCount, Is.EqualTo(1));
        Assert.That(result.ModifiedCount, Is.EqualTo(1));
        Assert.That(await GetAsync(collection, 1), Is.EqualTo(new BsonDocument { { "_id", 1 }, { "s", "z" }, { "sub", new BsonDocument { { "x", 1 }, { "y", 2 } } }, { "count", 5 } }));
    }

    [Test]
    public async Task UpdateMany_changes_every_match_and_counts_unmodified_ones()
    {
        var collection = await SeededAsync();

        var result = await collection.UpdateManyAsync(new BsonDocument("s", "b"), new BsonDocument("$set", new BsonDocument("n", 3))).WaitAsync(Deadline);

        Assert.That(result.MatchedCount, Is.EqualTo(2));
        Assert.That(result.ModifiedCount, Is.EqualTo(1));
    }

    [Test]
    public async Task An_upsert_inserts_the_query_equalities_plus_the_update()
    {
        var collection = await SeededAsync();

        var result = await collection.UpdateOneAsync(new BsonDocument("s", "new"), new BsonDocument { { "$inc", new BsonDocument("n", 1) }, { "$setOnInsert", new BsonDocument("created", true) } }, new UpdateOptions { IsUpsert = true }).WaitAsync(Deadline);
        var stored = await collection.Find(new BsonDocument("_id", result.UpsertedId)).SingleAsync().WaitAsync(Deadline);

        Assert.That(result.MatchedCount, Is.EqualTo(0));
        Assert.That(result.UpsertedId.IsObjectId, Is.True);
        Assert.That(stored, Is.EqualTo(new BsonDocument { { "_id", result.UpsertedId }, { "s", "new" }, { "n", 1 }, { "created", true } }));
    }

    [Test]
    public async Task ReplaceOne_keeps_the_id_and_replaces_the_rest()
    {
        var collection = await SeededAsync();

        await collection.ReplaceOneAsync(new BsonDocument("_id", 2), new BsonDocument("only", "this")).WaitAsync(Deadline);

        Assert.That(await GetAsync(collection, 2), Is.EqualTo(new BsonDocument { { "_id", 2 }, { "only", "this" } }));
    }

    [Test]
    public async Task Changing_the_id_fails_with_ImmutableField()
    {
        var collection = await SeededAsync();

        var error = Assert.ThrowsAsync<MongoWriteException>(() => collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("_id", 9))).WaitAsync(Deadline));

        Assert.That(error!.WriteError.Code, Is.EqualTo(66));
    }

    [Test]
    public async Task Incrementing_a_string_fails_with_TypeMismatch()
    {
        var collection = await SeededAsync();

        var error = Assert.ThrowsAsync<MongoWriteException>(() => collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$inc", new BsonDocument("s", 1))).WaitAsync(Deadline));

        Assert.That(error!.WriteError.Code, Is.EqualTo(14));
    }

    [Test]
    public async Task An_update_that_breaks_a_unique_index_fails_with_11000_and_changes_nothing()
    {
        var collection = await SeededAsync();
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("n", 1), new CreateIndexOptions { Unique = true })).WaitAsync(Deadline);

        var error = Assert.ThrowsAsync<MongoWriteException>(() => collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("n", 2))).WaitAsync(Deadline));

        Assert.That(error!.WriteError.Code, Is.EqualTo(11000));
        Assert.That((await GetAsync(collection, 1))["n"].AsInt32, Is.EqualTo(1));
    }

    [Test]
    public async Task FindOneAndUpdate_returns_the_document_before_or_after()
    {
        var collection = await SeededAsync();
        var update = new BsonDocument("$inc", new BsonDocument("n", 10));

        var before = await collection.FindOneAndUpdateAsync(new BsonDocument("_id", 3), update).WaitAsync(Deadline);
        var after = await collection.FindOneAndUpdateAsync(new BsonDocument("_id", 3), update, new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After }).WaitAsync(Deadline);

        Assert.That(before["n"].AsInt32, Is.EqualTo(3));
        Assert.That(after["n"].AsInt32, Is.EqualTo(23));
    }

    [Test]
    public async Task FindOneAndUpdate_with_upsert_and_sort_and_projection()
    {
        var collection = await SeededAsync();

        var first = await collection.FindOneAndUpdateAsync(new BsonDocument("s", "b"), new BsonDocument("$set", new BsonDocument("picked", true)), new FindOneAndUpdateOptions<BsonDocument>
        {
            Sort = new BsonDocument("n", -1),
            Projection = new BsonDocument { { "n", 1 }, { "_id", 0 } },
            ReturnDocument = ReturnDocument.After,
        }).WaitAsync(Deadline);
        var upserted = await collection.FindOneAndUpdateAsync(new BsonDocument("_id", 77), new BsonDocument("$set", new BsonDocument("s", "u")), new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After }).WaitAsync(Deadline);

        Assert.That(first, Is.EqualTo(new BsonDocument("n", 3)));
        Assert.That(upserted, Is.EqualTo(new BsonDocument { { "_id", 77 }, { "s", "u" } }));
    }

    [Test]
    public async Task FindOneAndDelete_removes_and_returns_the_first_in_sort_order()
    {
        var collection = await SeededAsync();

        var deleted = await collection.FindOneAndDeleteAsync(new BsonDocument("s", "b"), new FindOneAndDeleteOptions<BsonDocument> { Sort = new BsonDocument("n", 1) }).WaitAsync(Deadline);
        var left = await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline);

        Assert.That(deleted["_id"].AsInt32, Is.EqualTo(2));
        Assert.That(left, Is.EqualTo(2));
    }

    [Test]
    public async Task Distinct_returns_each_value_once_unwinding_arrays()
    {
        var collection = MongoTarget.NewCollection("distinct");
        await collection.InsertManyAsync([new BsonDocument("v", 1), new BsonDocument("v", new BsonArray { 1, 2 }), new BsonDocument("v", "x"), new BsonDocument("w", 1)]).WaitAsync(Deadline);

        var values = await (await collection.DistinctAsync<BsonValue>("v", FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline)).ToListAsync().WaitAsync(Deadline);

        Assert.That(values, Is.EquivalentTo(new BsonValue[] { 1, 2, "x" }));
    }

    [Test]
    public async Task An_unknown_update_operator_fails_with_FailedToParse()
    {
        var collection = await SeededAsync();

        var error = Assert.ThrowsAsync<MongoWriteException>(() => collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$frobnicate", new BsonDocument("n", 1))).WaitAsync(Deadline));

        Assert.That(error!.WriteError.Code, Is.EqualTo(9));
        Assert.That(error.WriteError.Message, Does.Contain("$frobnicate"));
    }
}
