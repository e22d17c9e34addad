using MongoDB.Bson;
using MongoDB.Driver;

namespace EngineBench;

/// <summary>Chat-shaped documents (about 190 bytes) and the chat's indexes.</summary>
internal static class ChatMessages
{
    private const string Content = "The quick brown fox jumps over the lazy dog while the chat keeps scrolling along";

    public static BsonDocument Create(int i, int rooms) => new()
    {
        { "_id", ObjectId.GenerateNewId() },
        { "room_id", "room-" + (i % rooms).ToString("D4") },
        { "timestamp", new BsonDateTime(DateTime.UtcNow) },
        { "sender", "user-" + (i % 97) },
        { "content", Content },
        { "client_msg_id", "c-" + i },
    };

    public static async Task CreateIndexesAsync(IMongoCollection<BsonDocument> collection) =>
        await collection.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(new BsonDocument { { "room_id", 1 }, { "_id", -1 } }),
            new CreateIndexModel<BsonDocument>(
                new BsonDocument { { "room_id", 1 }, { "sender", 1 }, { "client_msg_id", 1 } },
                new CreateIndexOptions<BsonDocument> { Unique = true, PartialFilterExpression = new BsonDocument("client_msg_id", new BsonDocument("$exists", true)) }),
        ]);
}
