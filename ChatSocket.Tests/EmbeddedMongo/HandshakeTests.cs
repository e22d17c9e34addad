using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

public sealed class HandshakeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Ping_answers_ok()
    {
        var reply = await MongoTarget.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1)).WaitAsync(Deadline);

        Assert.That(reply["ok"].ToDouble(), Is.EqualTo(1.0));
    }

    [Test]
    public async Task ServerStatus_counts_the_current_connections()
    {
        var reply = await MongoTarget.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("serverStatus", 1)).WaitAsync(Deadline);

        Assert.That(reply["connections"]["current"].ToInt32(), Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task BuildInfo_reports_a_version()
    {
        var reply = await MongoTarget.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("buildInfo", 1)).WaitAsync(Deadline);

        Assert.That(reply["version"].AsString, Is.Not.Empty);
        Assert.That(reply["versionArray"].AsBsonArray, Is.Not.Empty);
    }

    [Test]
    public async Task Hello_reports_a_writable_primary_with_a_current_wire_version()
    {
        var reply = await MongoTarget.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1)).WaitAsync(Deadline);

        Assert.That(reply["isWritablePrimary"].AsBoolean, Is.True);
        Assert.That(reply["maxWireVersion"].ToInt32(), Is.GreaterThanOrEqualTo(9));
        Assert.That(reply["maxBsonObjectSize"].ToInt32(), Is.EqualTo(16 * 1024 * 1024));
    }

    [Test]
    public async Task An_unknown_command_fails_with_CommandNotFound_and_the_connection_stays_usable()
    {
        var admin = MongoTarget.Client.GetDatabase("admin");

        var error = Assert.ThrowsAsync<MongoCommandException>(() => admin.RunCommandAsync<BsonDocument>(new BsonDocument("noSuchCommandHere", 1)).WaitAsync(Deadline));
        var ping = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1)).WaitAsync(Deadline);

        Assert.That(error!.Code, Is.EqualTo(59));
        Assert.That(error.CodeName, Is.EqualTo("CommandNotFound"));
        Assert.That(ping["ok"].ToDouble(), Is.EqualTo(1.0));
    }

    [Test]
    public async Task ListDatabaseNames_includes_a_database_once_it_has_data()
    {
        var collection = MongoTarget.NewCollection();
        await collection.InsertOneAsync(new BsonDocument("x", 1)).WaitAsync(Deadline);

        var names = await (await MongoTarget.Client.ListDatabaseNamesAsync().WaitAsync(Deadline)).ToListAsync().WaitAsync(Deadline);

        Assert.That(names, Does.Contain(MongoTarget.DatabaseName));
    }

    [Test]
    public async Task ListCollectionNames_lists_created_collections()
    {
        var name = "listed_" + Guid.NewGuid().ToString("N")[..8];
        await MongoTarget.Database.CreateCollectionAsync(name).WaitAsync(Deadline);

        var names = await (await MongoTarget.Database.ListCollectionNamesAsync().WaitAsync(Deadline)).ToListAsync().WaitAsync(Deadline);

        Assert.That(names, Does.Contain(name));
    }

    [Test]
    public async Task Creating_an_existing_collection_fails_with_NamespaceExists()
    {
        var name = "twice_" + Guid.NewGuid().ToString("N")[..8];
        await MongoTarget.Database.CreateCollectionAsync(name).WaitAsync(Deadline);

        var error = Assert.ThrowsAsync<MongoCommandException>(() => MongoTarget.Database.CreateCollectionAsync(name).WaitAsync(Deadline));

        Assert.That(error!.Code, Is.EqualTo(48));
    }
}
