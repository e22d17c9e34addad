using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// A text index follows its documents' writes: an update's new words are found and its old ones no longer, a deleted
/// document is not found, many documents share a word, and the prefix equality matches numbers of any type.
/// </summary>
[TestFixture]
public sealed class TextIndexMaintenanceTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Test]
    public async Task An_update_reindexes_and_a_delete_unindexes()
    {
        var messages = await NewIndexedAsync("room_id");
        await messages.InsertManyAsync([Message(1, "r1", "ship the release"), Message(2, "r1", "release notes")]).WaitAsync(Deadline);

        await messages.UpdateOneAsync(Id(1), Builders<BsonDocument>.Update.Set("content", "rollback the deploy")).WaitAsync(Deadline);
        await messages.DeleteOneAsync(Id(2)).WaitAsync(Deadline);

        Assert.That(await IdsAsync(messages, "r1", "ship"), Is.Empty);
        Assert.That(await IdsAsync(messages, "r1", "release"), Is.Empty);
        Assert.That(await IdsAsync(messages, "r1", "rollback"), Is.EqualTo(new[] { 1 }));
        await messages.InsertOneAsync(Message(2, "r1", "release again")).WaitAsync(Deadline);
        Assert.That(await IdsAsync(messages, "r1", "release"), Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public async Task Many_documents_share_a_word_and_removing_some_keeps_the_others()
    {
        var messages = await NewIndexedAsync("room_id");
        await messages.InsertManyAsync(Enumerable.Range(1, 40).Select(i => Message(i, i % 2 == 0 ? "even" : "odd", $"standup {i}"))).WaitAsync(Deadline);

        await messages.DeleteManyAsync(Builders<BsonDocument>.Filter.In("_id", new[] { 2, 20, 40 })).WaitAsync(Deadline);

        var expected = Enumerable.Range(1, 40).Where(i => i % 2 == 0 && i is not (2 or 20 or 40));
        Assert.That(await IdsAsync(messages, "even", "standup"), Is.EqualTo(expected));
        Assert.That(await IdsAsync(messages, "odd", "standup"), Has.Count.EqualTo(20));
    }

    [Test]
    public async Task A_numeric_prefix_matches_whatever_its_type()
    {
        var messages = await NewIndexedAsync("team");
        await messages.InsertManyAsync(
        [
            new BsonDocument { { "_id", 1 }, { "team", 1 }, { "content", "launch plan" } },
            new BsonDocument { { "_id", 2 }, { "team", 1.0 }, { "content", "launch day" } },
            new BsonDocument { { "_id", 3 }, { "team", 2L }, { "content", "launch party" } },
        ]).WaitAsync(Deadline);

        Assert.That(await IdsAsync(messages, "team", new BsonInt64(1), "launch"), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(await IdsAsync(messages, "team", new BsonDouble(2.0), "launch"), Is.EqualTo(new[] { 3 }));
    }

    private static async Task<IMongoCollection<BsonDocument>> NewIndexedAsync(string prefix)
    {
        var messages = MongoTarget.NewCollection("textidx");
        await messages.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            new BsonDocument { { prefix, 1 }, { "content", "text" } },
            new CreateIndexOptions { DefaultLanguage = "none" })).WaitAsync(Deadline);
        return messages;
    }

    private static BsonDocument Message(int id, string room, string content) =>
        new() { { "_id", id }, { "room_id", room }, { "content", content } };

    private static BsonDocument Id(int id) => new("_id", id);

    private static Task<List<int>> IdsAsync(IMongoCollection<BsonDocument> messages, string room, string search) =>
        IdsAsync(messages, "room_id", room, search);

    private static async Task<List<int>> IdsAsync(IMongoCollection<BsonDocument> messages, string field, BsonValue value, string search)
    {
        var filter = new BsonDocument { { field, value }, { "$text", new BsonDocument("$search", search) } };
        var found = await messages.Find(filter).ToListAsync().WaitAsync(Deadline);
        return [.. found.Select(d => d["_id"].AsInt32).Order()];
    }
}
