using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// The server the compatibility suite runs against: the run's <see cref="TestStore"/> — the embedded engine by
/// default, or the real MongoDB named by the MONGODB_URI environment variable. The suite uses a database of its own,
/// dropped at the end of the run.
/// </summary>
internal static class MongoTarget
{
    /// <summary>True when the suite talks to the embedded engine (false against a real MongoDB).</summary>
    public static bool IsEmbedded => TestStore.Embedded is not null;

    public static MongoClient Client => TestStore.Client;

    public static string ConnectionString => TestStore.ConnectionString;

    public static string DatabaseName { get; } = TestStore.NewDatabaseName();

    public static IMongoDatabase Database => Client.GetDatabase(DatabaseName);

    /// <summary>A fresh collection name, so that tests never see each other's documents.</summary>
    public static IMongoCollection<BsonDocument> NewCollection(string prefix = "c") =>
        Database.GetCollection<BsonDocument>(prefix + "_" + Guid.NewGuid().ToString("N")[..10]);
}
