using ChatSocket.EmbeddedMongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// The server the compatibility suite runs against: the embedded engine by default, or the real MongoDB named by
/// the MONGODB_URI environment variable. Either way a database unique to this run is used and dropped at the end.
/// </summary>
[SetUpFixture]
public sealed class MongoTarget
{
    private static EmbeddedMongoServer? _server;
    private static MongoClient? _client;

    /// <summary>True when the suite talks to the embedded engine (false against a real MongoDB).</summary>
    public static bool IsEmbedded => _server is not null;

    public static MongoClient Client => _client ?? throw new InvalidOperationException("MongoTarget not started");

    /// <summary>The target's connection string, for tests that need a client with their own settings.</summary>
    public static string ConnectionString { get; private set; } = "";

    public static string DatabaseName { get; } = "compat_" + Guid.NewGuid().ToString("N")[..12];

    public static IMongoDatabase Database => Client.GetDatabase(DatabaseName);

    /// <summary>A fresh collection name, so that tests never see each other's documents.</summary>
    public static IMongoCollection<BsonDocument> NewCollection(string prefix = "c") =>
        Database.GetCollection<BsonDocument>(prefix + "_" + Guid.NewGuid().ToString("N")[..10]);

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var uri = Environment.GetEnvironmentVariable("MONGODB_URI");
        if (string.IsNullOrWhiteSpace(uri))
        {
            _server = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions()).WaitAsync(TimeSpan.FromSeconds(30));
            uri = _server.ConnectionString;
        }

        ConnectionString = uri;
        _client = new MongoClient(uri);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_client is not null)
        {
            await _client.DropDatabaseAsync(DatabaseName).WaitAsync(TimeSpan.FromSeconds(30));
            _client.Dispose();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
