using ChatSocket.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.Persistence;

/// <summary>Reads a test server's <c>messages</c> collection directly through the driver.</summary>
internal static class StoredMessages
{
    public static IMongoCollection<BsonDocument> Of(ChatServer server) =>
        TestStore.Client.GetDatabase(server.DatabaseName).GetCollection<BsonDocument>("messages");

    public static Task<long> CountAsync(ChatServer server, FilterDefinition<BsonDocument>? filter = null) =>
        Of(server).CountDocumentsAsync(filter ?? FilterDefinition<BsonDocument>.Empty).WaitAsync(ChatServer.Deadline);

    public static Task<long> WaitForCountAsync(ChatServer server, long expected) =>
        Eventually.ReturnsAsync(() => CountAsync(server), count => count == expected, $"{expected} stored messages", TimeSpan.FromSeconds(20));
}
