using MongoDB.Bson;
using ChatSocket.Tests.Support;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>explain's queryPlanner tells an index scan from a collection scan (searched anywhere in the plan, since
/// mongod nests it differently for find, aggregate and the slot-based engine).</summary>
public sealed class ExplainTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static async Task<IMongoCollection<BsonDocument>> SeededAsync()
    {
        var messages = MongoTarget.NewCollection("explain");
        await messages.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument { { "room_id", 1 }, { "_id", -1 } })).WaitAsync(Deadline);
        await messages.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            new BsonDocument { { "room_id", 1 }, { "content", "text" } }, new CreateIndexOptions { DefaultLanguage = "none" })).WaitAsync(Deadline);
        await messages.InsertManyAsync(Enumerable.Range(0, 20).Select(i => new BsonDocument { { "_id", i }, { "room_id", "r" + (i % 2) }, { "content", "hello " + i }, { "sender", "s" + i } })).WaitAsync(Deadline);
        return messages;
    }

    private static Task<BsonDocument> ExplainAsync(IMongoCollection<BsonDocument> collection, BsonDocument command) =>
        collection.Database.RunCommandAsync<BsonDocument>(new BsonDocument { { "explain", command }, { "verbosity", "queryPlanner" } }).WaitAsync(Deadline);

    [Test]
    public async Task A_room_scoped_find_uses_the_room_index()
    {
        var messages = await SeededAsync();
        var explain = await ExplainAsync(messages, new BsonDocument
        {
            { "find", messages.CollectionNamespace.CollectionName },
            { "filter", new BsonDocument("room_id", "r1") },
            { "sort", new BsonDocument("_id", -1) },
            { "limit", 5 },
        });

        var scans = ExplainPlan.Stages(explain["queryPlanner"]).ToList();
        Assert.That(scans.Exists(s => s["stage"] == "IXSCAN" && s["indexName"] == "room_id_1__id_-1"), Is.True, explain.ToJson());
        Assert.That(scans.Exists(s => s["stage"] == "COLLSCAN"), Is.False);
    }

    [Test]
    public async Task A_partial_index_on_an_existing_field_answers_a_query_that_requires_the_field_and_only_such_a_query()
    {
        var messages = await SeededAsync();
        await messages.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            new BsonDocument { { "room_id", 1 }, { "sender", 1 }, { "key", 1 } },
            new CreateIndexOptions<BsonDocument> { Name = "keys", PartialFilterExpression = new BsonDocument("key", new BsonDocument("$exists", true)) })).WaitAsync(Deadline);

        async Task<bool> UsesKeysAsync(BsonDocument filter)
        {
            var explain = await ExplainAsync(messages, new BsonDocument { { "find", messages.CollectionNamespace.CollectionName }, { "filter", filter } });
            return ExplainPlan.Stages(explain["queryPlanner"]).Any(s => s["stage"] == "IXSCAN" && s["indexName"] == "keys");
        }

        Assert.That(await UsesKeysAsync(new BsonDocument { { "room_id", "r1" }, { "sender", "s1" }, { "key", new BsonDocument("$exists", true) } }), Is.True);
        Assert.That(await UsesKeysAsync(new BsonDocument { { "room_id", "r1" }, { "sender", "s1" } }), Is.False, "documents without the field are not in it");
        Assert.That(await UsesKeysAsync(new BsonDocument { { "room_id", "r1" }, { "sender", "s1" }, { "key", new BsonDocument("$exists", false) } }), Is.False);
    }

    [Test]
    public async Task An_unindexed_filter_is_a_collection_scan()
    {
        var messages = await SeededAsync();
        var explain = await ExplainAsync(messages, new BsonDocument
        {
            { "find", messages.CollectionNamespace.CollectionName },
            { "filter", new BsonDocument("sender", "s3") },
        });

        Assert.That(ExplainPlan.Stages(explain["queryPlanner"]).Any(s => s["stage"] == "COLLSCAN"), Is.True, explain.ToJson());
    }

    [Test]
    public async Task A_room_scoped_text_aggregate_uses_the_text_index()
    {
        var messages = await SeededAsync();
        var explain = await ExplainAsync(messages, new BsonDocument
        {
            { "aggregate", messages.CollectionNamespace.CollectionName },
            { "pipeline", new BsonArray { new BsonDocument("$match", new BsonDocument { { "room_id", "r1" }, { "$text", new BsonDocument("$search", "hello") } }) } },
            { "cursor", new BsonDocument() },
        });

        var stages = ExplainPlan.Stages(explain).ToList();
        Assert.That(stages.Exists(s => s["stage"] == "IXSCAN" && s["indexName"] == "room_id_1_content_text"), Is.True, explain.ToJson());
        Assert.That(stages.Exists(s => s["stage"] == "COLLSCAN"), Is.False);
    }
}
