using ChatSocket.EmbeddedMongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>Engine-only: the programmatic fault injection API. Each test owns its server.</summary>
public sealed class FaultInjectionTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private EmbeddedMongoServer _server = null!;
    private MongoClient _client = null!;
    private IMongoCollection<BsonDocument> _collection = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _server = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions { Port = 0 }).WaitAsync(Deadline);
        _client = new MongoClient(Settings(TimeSpan.FromSeconds(10)));
        _collection = _client.GetDatabase("faults").GetCollection<BsonDocument>("c");
    }

    [TearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync().AsTask().WaitAsync(Deadline);
    }

    private MongoClientSettings Settings(TimeSpan serverSelectionTimeout)
    {
        var settings = MongoClientSettings.FromConnectionString(_server.ConnectionString);
        settings.ServerSelectionTimeout = serverSelectionTimeout;
        return settings;
    }

    private Task<BsonDocument> PingAsync(MongoClient client) =>
        client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1)).WaitAsync(Deadline);

    [TestCase(91)]
    [TestCase(11600)]
    public async Task The_next_commands_fail_with_a_shutdown_code_then_writes_succeed_again(int code)
    {
        _server.Faults.FailNextCommands(2, code, "insert");

        for (var i = 0; i < 2; i++)
        {
            var error = Assert.ThrowsAsync(Is.InstanceOf<MongoCommandException>(), () => _collection.InsertOneAsync(new BsonDocument("i", i)).WaitAsync(Deadline));
            Assert.That(((MongoCommandException)error!).Code, Is.EqualTo(code));
        }

        await _collection.InsertOneAsync(new BsonDocument("i", 2)).WaitAsync(Deadline);
        Assert.That(await _collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline), Is.EqualTo(1));
    }

    [Test]
    public async Task A_shutdown_code_on_a_read_is_retried_once_by_the_driver()
    {
        await _collection.InsertOneAsync(new BsonDocument("i", 1)).WaitAsync(Deadline);
        _server.Faults.FailNextCommands(1, 91, "find");

        var found = await _collection.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync().WaitAsync(Deadline);

        Assert.That(found, Has.Count.EqualTo(1));
        Assert.That(_server.Faults.InjectedCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Failing_commands_without_a_name_spare_the_handshake()
    {
        _server.Faults.FailCommands(91);

        Assert.ThrowsAsync(Is.InstanceOf<MongoCommandException>(), () => _collection.InsertOneAsync(new BsonDocument("i", 1)).WaitAsync(Deadline));
        _server.Faults.Reset();
        await _collection.InsertOneAsync(new BsonDocument("i", 2)).WaitAsync(Deadline);

        Assert.That(await _collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline), Is.EqualTo(1));
    }

    [Test]
    public async Task A_closed_connection_surfaces_as_a_network_error_and_the_next_write_works()
    {
        _server.Faults.CloseConnectionOnNextCommands(1, "insert");

        Assert.ThrowsAsync(Is.InstanceOf<MongoConnectionException>(), () => _collection.InsertOneAsync(new BsonDocument("i", 1)).WaitAsync(Deadline));
        await _collection.InsertOneAsync(new BsonDocument("i", 2)).WaitAsync(Deadline);

        Assert.That(await _collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline), Is.EqualTo(1));
    }

    [Test]
    public async Task A_reply_lost_after_the_write_leaves_the_write_applied_and_a_retry_meets_its_own_id()
    {
        _server.Faults.CloseConnectionAfterNextCommands(1, "insert");
        var document = new BsonDocument { { "_id", ObjectId.GenerateNewId() }, { "i", 1 } };

        Assert.ThrowsAsync(Is.InstanceOf<MongoConnectionException>(), () => _collection.InsertOneAsync(document).WaitAsync(Deadline));
        var retry = Assert.ThrowsAsync<MongoWriteException>(() => _collection.InsertOneAsync(document).WaitAsync(Deadline));

        Assert.That(retry!.WriteError.Code, Is.EqualTo(11000));
        Assert.That(await _collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline), Is.EqualTo(1));
    }

    [Test]
    public async Task Added_latency_makes_a_command_outlast_a_short_client_timeout()
    {
        _server.Faults.SetLatency(TimeSpan.FromSeconds(30));
        var settings = Settings(TimeSpan.FromSeconds(10));
        settings.SocketTimeout = TimeSpan.FromMilliseconds(300);
        using var impatient = new MongoClient(settings);

        Assert.ThrowsAsync(Is.InstanceOf<MongoException>().Or.InstanceOf<TimeoutException>(), () => impatient.GetDatabase("faults").GetCollection<BsonDocument>("c").InsertOneAsync(new BsonDocument("i", 1)).WaitAsync(Deadline));
        _server.Faults.SetLatency(TimeSpan.Zero);

        Assert.That((await PingAsync(_client))["ok"].ToDouble(), Is.EqualTo(1.0));
    }

    [Test]
    public async Task Refused_connections_make_server_selection_time_out_until_allowed_again()
    {
        _server.Faults.RefuseConnections(true);
        using (var refused = new MongoClient(Settings(TimeSpan.FromMilliseconds(500))))
        {
            Assert.ThrowsAsync<TimeoutException>(() => PingAsync(refused));
        }

        _server.Faults.RefuseConnections(false);
        using var allowed = new MongoClient(Settings(TimeSpan.FromSeconds(10)));

        Assert.That((await PingAsync(allowed))["ok"].ToDouble(), Is.EqualTo(1.0));
    }

    [Test]
    public async Task An_outage_made_of_refused_and_dropped_connections_fails_writes_until_it_ends()
    {
        using var client = new MongoClient(Settings(TimeSpan.FromMilliseconds(500)));
        var collection = client.GetDatabase("faults").GetCollection<BsonDocument>("outage");
        await collection.InsertOneAsync(new BsonDocument("i", 0)).WaitAsync(Deadline);

        _server.Faults.RefuseConnections(true);
        _server.Faults.DropConnections();
        for (var i = 1; i <= 2; i++)
        {
            Assert.ThrowsAsync(Is.InstanceOf<MongoConnectionException>().Or.InstanceOf<TimeoutException>(), () => collection.InsertOneAsync(new BsonDocument("i", 1)).WaitAsync(Deadline));
        }

        _server.Faults.RefuseConnections(false);
        // The driver notices the recovery on its next server check: retry, as the chat's writer does, until stored.
        var stored = false;
        var deadline = DateTime.UtcNow + Deadline;
        while (!stored && DateTime.UtcNow < deadline)
        {
            try
            {
                await collection.InsertOneAsync(new BsonDocument("i", 3)).WaitAsync(Deadline);
                stored = true;
            }
            catch (TimeoutException)
            {
                // Server selection gave up before the driver re-checked the server; try again.
            }
        }

        Assert.That(stored, Is.True);
        Assert.That(await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline), Is.EqualTo(2));
    }

    [Test]
    public async Task Dropped_connections_are_replaced_and_commands_work_again()
    {
        await PingAsync(_client);

        _server.Faults.DropConnections();
        BsonDocument? reply = null;
        for (var attempt = 0; attempt < 5 && reply is null; attempt++)
        {
            try
            {
                reply = await PingAsync(_client);
            }
            catch (MongoConnectionException)
            {
                // The pooled connection was dropped under the driver: the next attempt opens a new one.
            }
        }

        Assert.That(reply?["ok"].ToDouble(), Is.EqualTo(1.0));
    }

    [Test]
    public async Task A_stopped_listener_restarts_on_the_same_port_with_the_data_intact()
    {
        await _collection.InsertOneAsync(new BsonDocument("i", 1)).WaitAsync(Deadline);
        var port = _server.Port;

        await _server.StopListenerAsync().WaitAsync(Deadline);
        using (var during = new MongoClient(Settings(TimeSpan.FromMilliseconds(500))))
        {
            Assert.ThrowsAsync<TimeoutException>(() => PingAsync(during));
        }

        await _server.StartListenerAsync().WaitAsync(Deadline);
        var count = await _collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty).WaitAsync(Deadline);

        Assert.That(_server.Port, Is.EqualTo(port));
        Assert.That(count, Is.EqualTo(1));
    }

    [Test]
    public async Task An_idle_cursor_times_out_and_getMore_then_fails_with_CursorNotFound()
    {
        await using var server = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions { CursorTimeout = TimeSpan.FromMilliseconds(200) }).WaitAsync(Deadline);
        using var client = new MongoClient(server.ConnectionString);
        var database = client.GetDatabase("cursors");
        await database.GetCollection<BsonDocument>("c").InsertManyAsync(Enumerable.Range(0, 10).Select(i => new BsonDocument("i", i))).WaitAsync(Deadline);
        var reply = await database.RunCommandAsync<BsonDocument>(new BsonDocument { { "find", "c" }, { "batchSize", 2 } }).WaitAsync(Deadline);
        var cursorId = reply["cursor"]["id"].AsInt64;

        await WaitUntilAsync(() => server.OpenCursorCount == 0, "the idle cursor to be killed");
        var error = Assert.ThrowsAsync<MongoCommandException>(() => database.RunCommandAsync<BsonDocument>(new BsonDocument { { "getMore", cursorId }, { "collection", "c" } }).WaitAsync(Deadline));

        Assert.That(error!.Code, Is.EqualTo(43));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting for " + what);
            }

            await Task.Delay(20);
        }
    }
}
