using ChatSocket.Tests.Persistence;
using ChatSocket.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.Search;

/// <summary>A test server's <c>messages</c> collection, seeded and explained through the driver.</summary>
internal static class ServerDatabase
{
    public static IMongoCollection<BsonDocument> Messages(ChatServer server) => StoredMessages.Of(server);

    /// <summary>Waits until the server has created its indexes (readiness says so), so that $text can run.</summary>
    public static async Task WaitForIndexesAsync(ChatServer server)
    {
        using var http = server.CreateHttpClient();
        await Eventually.ReturnsAsync(
            async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, ready => ready, "the server to be ready (indexes created)");
    }

    /// <summary>Stores messages as the server stores them (its flat schema), with chosen times.</summary>
    public static Task InsertAsync(ChatServer server, IEnumerable<(string Room, string Sender, string Content, DateTime Time)> messages) =>
        Messages(server).InsertManyAsync(messages.Select(m => new BsonDocument
        {
            { "_id", ObjectId.GenerateNewId(m.Time) },
            { "room_id", m.Room },
            { "timestamp", new BsonDateTime(m.Time) },
            { "sender", m.Sender },
            { "content", m.Content },
        })).WaitAsync(ChatServer.Deadline);

    /// <summary>The query planner's answer for an aggregate pipeline on the server's collection.</summary>
    public static Task<BsonDocument> ExplainAsync(ChatServer server, BsonDocument[] pipeline) =>
        Messages(server).Database.RunCommandAsync<BsonDocument>(new BsonDocument
        {
            { "explain", new BsonDocument { { "aggregate", "messages" }, { "pipeline", new BsonArray(pipeline) }, { "cursor", new BsonDocument() } } },
            { "verbosity", "queryPlanner" },
        }).WaitAsync(ChatServer.Deadline);
}
