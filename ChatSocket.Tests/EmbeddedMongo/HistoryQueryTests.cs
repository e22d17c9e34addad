using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>The query shapes of the chat history: equality on the room, a range on _id, sorted by _id, limited.</summary>
public sealed class HistoryQueryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static async Task<(IMongoCollection<BsonDocument> Collection, List<BsonDocument> Messages)> SeededAsync()
    {
        var collection = MongoTarget.NewCollection("messages");
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument { { "room_id", 1 }, { "_id", -1 } })).WaitAsync(Deadline);
        var messages = Enumerable.Range(0, 600).Select(i => new BsonDocument
        {
            { "_id", ObjectId.GenerateNewId() },
            { "room_id", "room" + (i % 4) },
            { "timestamp", new BsonDateTime(DateTime.UtcNow) },
            { "sender", "user" + (i % 7) },
            { "content", "message " + i },
        }).ToList();
        await collection.InsertManyAsync(messages, new InsertManyOptions { IsOrdered = false }).WaitAsync(Deadline);
        return (collection, messages);
    }

    [Test]
    public async Task Messages_before_an_id_come_newest_first_and_stop_at_the_limit()
    {
        var (collection, messages) = await SeededAsync();
        var room = messages.Where(m => m["room_id"] == "room2").OrderBy(m => m["_id"].AsObjectId).ToList();
        var before = room[100]["_id"];

        var filter = new BsonDocument { { "room_id", "room2" }, { "_id", new BsonDocument("$lt", before) } };
        var page = await collection.Find(filter).Sort(new BsonDocument("_id", -1)).Limit(50).ToListAsync().WaitAsync(Deadline);

        Assert.That(page.Select(m => m["_id"]), Is.EqualTo(room.Take(100).Reverse().Take(50).Select(m => m["_id"])));
    }

    [Test]
    public async Task Messages_after_an_id_come_oldest_first()
    {
        var (collection, messages) = await SeededAsync();
        var room = messages.Where(m => m["room_id"] == "room1").OrderBy(m => m["_id"].AsObjectId).ToList();
        var after = room[120]["_id"];

        var filter = new BsonDocument { { "room_id", "room1" }, { "_id", new BsonDocument("$gt", after) } };
        var page = await collection.Find(filter).Sort(new BsonDocument("_id", 1)).Limit(200).ToListAsync().WaitAsync(Deadline);

        Assert.That(page.Select(m => m["_id"]), Is.EqualTo(room.Skip(121).Select(m => m["_id"])));
    }

    [Test]
    public async Task A_range_with_both_bounds_returns_only_what_lies_between()
    {
        var (collection, messages) = await SeededAsync();
        var room = messages.Where(m => m["room_id"] == "room3").OrderBy(m => m["_id"].AsObjectId).ToList();

        var filter = new BsonDocument { { "room_id", "room3" }, { "_id", new BsonDocument { { "$gte", room[10]["_id"] }, { "$lte", room[20]["_id"] } } } };
        var page = await collection.Find(filter).Sort(new BsonDocument("_id", -1)).ToListAsync().WaitAsync(Deadline);

        Assert.That(page.Select(m => m["_id"]), Is.EqualTo(room.Skip(10).Take(11).Reverse().Select(m => m["_id"])));
    }

    [Test]
    public async Task The_latest_messages_of_a_room_come_from_a_sort_without_a_range()
    {
        var (collection, messages) = await SeededAsync();
        var latest = messages.Where(m => m["room_id"] == "room0").OrderByDescending(m => m["_id"].AsObjectId).Take(50).Select(m => m["_id"]);

        var page = await collection.Find(new BsonDocument("room_id", "room0")).Sort(new BsonDocument("_id", -1)).Limit(50).ToListAsync().WaitAsync(Deadline);

        Assert.That(page.Select(m => m["_id"]), Is.EqualTo(latest));
    }
}
