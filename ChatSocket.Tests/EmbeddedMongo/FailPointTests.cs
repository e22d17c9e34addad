using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// The configureFailPoint/failCommand shape, as a real mongod started with test commands enabled
/// (--setParameter enableTestCommands=1) supports it.
/// </summary>
public sealed class FailPointTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private MongoClient _client = null!;

    /// <summary>Without retries, so that a replica set (which would retry code 91) behaves like a standalone here.</summary>
    [OneTimeSetUp]
    public void CreateClient()
    {
        var settings = MongoClientSettings.FromConnectionString(MongoTarget.ConnectionString);
        settings.RetryWrites = false;
        settings.RetryReads = false;
        _client = new MongoClient(settings);
    }

    [OneTimeTearDown]
    public void DisposeClient() => _client.Dispose();

    private IMongoCollection<BsonDocument> NewCollection() =>
        _client.GetDatabase(MongoTarget.DatabaseName).GetCollection<BsonDocument>("failpoint_" + Guid.NewGuid().ToString("N")[..10]);

    private Task ConfigureAsync(BsonValue mode, BsonDocument? data = null)
    {
        var command = new BsonDocument { { "configureFailPoint", "failCommand" }, { "mode", mode } };
        if (data is not null)
        {
            command.Add("data", data);
        }

        return _client.GetDatabase("admin").RunCommandAsync<BsonDocument>(command).WaitAsync(Deadline);
    }

    [TearDown]
    public Task TurnOffAsync() => ConfigureAsync("off");

    [Test]
    public async Task A_failpoint_with_times_fails_that_many_commands_then_lets_them_through()
    {
        var collection = NewCollection();
        await ConfigureAsync(new BsonDocument("times", 1), new BsonDocument { { "failCommands", new BsonArray { "insert" } }, { "errorCode", 91 } });

        var error = Assert.ThrowsAsync(Is.InstanceOf<MongoCommandException>(), () => collection.InsertOneAsync(new BsonDocument("x", 1)).WaitAsync(Deadline));
        await collection.InsertOneAsync(new BsonDocument("x", 2)).WaitAsync(Deadline);
        var stored = await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline);

        Assert.That(((MongoCommandException)error!).Code, Is.EqualTo(91));
        Assert.That(stored, Is.EqualTo(1));
    }

    [Test]
    public async Task An_always_on_failpoint_fails_until_turned_off()
    {
        var collection = NewCollection();
        await ConfigureAsync("alwaysOn", new BsonDocument { { "failCommands", new BsonArray { "insert" } }, { "errorCode", 11600 } });

        for (var i = 0; i < 3; i++)
        {
            var error = Assert.ThrowsAsync(Is.InstanceOf<MongoCommandException>(), () => collection.InsertOneAsync(new BsonDocument("x", i)).WaitAsync(Deadline));
            Assert.That(((MongoCommandException)error!).Code, Is.EqualTo(11600));
        }

        await ConfigureAsync("off");
        await collection.InsertOneAsync(new BsonDocument("x", 9)).WaitAsync(Deadline);

        Assert.That(await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline), Is.EqualTo(1));
    }

    [Test]
    public async Task A_failpoint_can_close_the_connection_which_the_driver_reports_as_a_network_error()
    {
        var collection = NewCollection();
        await ConfigureAsync(new BsonDocument("times", 1), new BsonDocument { { "failCommands", new BsonArray { "insert" } }, { "closeConnection", true } });

        Assert.ThrowsAsync(Is.InstanceOf<MongoConnectionException>(), () => collection.InsertOneAsync(new BsonDocument("x", 1)).WaitAsync(Deadline));
        await collection.InsertOneAsync(new BsonDocument("x", 2)).WaitAsync(Deadline);

        Assert.That(await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline), Is.EqualTo(1));
    }

    [Test]
    public async Task A_blocking_failpoint_without_an_error_delays_the_command_but_lets_it_succeed()
    {
        var collection = NewCollection();
        await ConfigureAsync(new BsonDocument("times", 1), new BsonDocument { { "failCommands", new BsonArray { "insert" } }, { "blockConnection", true }, { "blockTimeMS", 50 } });

        await collection.InsertOneAsync(new BsonDocument("x", 1)).WaitAsync(Deadline);

        Assert.That(await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline), Is.EqualTo(1));
    }

    [Test]
    public async Task A_failpoint_attaches_the_requested_error_labels()
    {
        var collection = NewCollection();
        await ConfigureAsync(new BsonDocument("times", 1), new BsonDocument { { "failCommands", new BsonArray { "find" } }, { "errorCode", 2 }, { "errorLabels", new BsonArray { "TransientTransactionError" } } });

        var error = Assert.ThrowsAsync(Is.InstanceOf<MongoCommandException>(), () => collection.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync().WaitAsync(Deadline));

        Assert.That(((MongoException)error!).HasErrorLabel("TransientTransactionError"), Is.True);
    }
}
