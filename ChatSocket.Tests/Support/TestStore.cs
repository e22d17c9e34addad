using ChatSocket.EmbeddedMongo;
using ChatSocket.Tests.Support;
using MongoDB.Driver;

namespace ChatSocket.Tests;

/// <summary>
/// The MongoDB every chat server in the tests stores into: one embedded engine (in memory) for the whole run, or the
/// real MongoDB named by <c>MONGODB_URI</c>. Each <see cref="ChatServer"/> gets a database of its own, dropped at
/// the end of the run.
/// </summary>
[SetUpFixture]
public sealed class TestStore
{
    private static readonly List<string> Databases = [];
    private static readonly List<string> Directories = [];
    private static EmbeddedMongoServer? _server;
    private static MongoClient? _client;

    /// <summary>The embedded engine, for fault injection; null when the tests run against a real MongoDB.</summary>
    public static EmbeddedMongoServer? Embedded => _server;

    public static string ConnectionString { get; private set; } = "";

    /// <summary>The embedded engine for a fault-injection test; the test is inconclusive on a real MongoDB.</summary>
    public static EmbeddedMongoServer RequireEmbedded() =>
        _server ?? throw new InconclusiveException("fault injection needs the embedded engine (MONGODB_URI is set)");

    public static MongoClient Client => _client ?? throw new InvalidOperationException("TestStore not started");

    /// <summary>A new database name, dropped when the run ends.</summary>
    public static string NewDatabaseName()
    {
        var name = "chat_" + Guid.NewGuid().ToString("N")[..12];
        lock (Databases)
        {
            Databases.Add(name);
        }

        return name;
    }

    /// <summary>A new temporary directory (a server's spill directory), deleted when the run ends.</summary>
    public static string NewDataDirectory()
    {
        var path = Directory.CreateTempSubdirectory("chatsocket-test-").FullName;
        lock (Directories)
        {
            Directories.Add(path);
        }

        return path;
    }

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
            foreach (var name in Databases)
            {
                await _client.DropDatabaseAsync(name).WaitAsync(TimeSpan.FromSeconds(30));
            }

            _client.Dispose();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }

        foreach (var path in Directories)
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
