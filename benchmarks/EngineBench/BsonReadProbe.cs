using System.Diagnostics;
using ChatSocket.EmbeddedMongo;
using ChatSocket.EmbeddedMongo.Bson;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;

namespace EngineBench;

/// <summary>
/// Bytes allocated and time per <c>RawBson.ReadDocument</c> call, the library's reader against the hand-written one,
/// on command bodies as MongoDB.Driver sends them (captured from its command events) and on a stored chat message.
/// </summary>
internal static class BsonReadProbe
{
    private const int Calls = 200_000;
    private const int Rounds = 5;

    // Keeps the parsed documents observable so that the JIT cannot drop the calls.
    private static int s_sink;

    public static async Task RunAsync()
    {
        var samples = await CaptureCommandsAsync();
        var message = new BsonDocument
        {
            { "_id", ObjectId.GenerateNewId() },
            { "room_id", "room-1" },
            { "sender", "alice" },
            { "content", new string('m', 100) },
            { "timestamp", new BsonDateTime(DateTime.UtcNow) },
            { "client_msg_id", "c-5f0c2a7e-1b7d-4d55-9d0e-2a8f6c1e9b33" },
        };
        samples.Add(("stored chat message", RawBson.WithIdFirst(message.ToBson(), out _)));

        Console.WriteLine($"{"document",-50} {"bytes",5}  {"library B/call",14} {"new B/call",10}  {"library ns",10} {"new ns",7}");
        foreach (var (name, bytes) in samples)
        {
            var library = Measure(bytes, RawBson.ReadDocumentWithLibrary);
            var reader = Measure(bytes, RawBson.ReadDocument);
            Console.WriteLine($"{name,-50} {bytes.Length,5}  {library.Bytes,14:N0} {reader.Bytes,10:N0}  {library.Nanoseconds,10:N0} {reader.Nanoseconds,7:N0}");
        }

        GC.KeepAlive(s_sink);
    }

    /// <summary>Runs an insert and a history query through the driver and keeps the command bodies it sent.</summary>
    private static async Task<List<(string Name, byte[] Bytes)>> CaptureCommandsAsync()
    {
        await using var server = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions());
        var sent = new List<BsonDocument>();
        var settings = MongoClientSettings.FromConnectionString(server.ConnectionString);
        settings.ClusterConfigurator = builder => builder.Subscribe<CommandStartedEvent>(e =>
        {
            lock (sent)
            {
                // Copied as a plain document: the event's own may be a read-only RawBsonDocument.
                sent.Add(BsonSerializer.Deserialize<BsonDocument>(e.Command.ToBson()));
            }
        });
        using var client = new MongoClient(settings);

        // As the chat's MessageStore writes: unordered batches, majority write concern with journaling.
        var messages = client.GetDatabase("chat").GetCollection<BsonDocument>("messages").WithWriteConcern(new WriteConcern("majority", journal: true));
        await messages.InsertManyAsync(Enumerable.Range(0, 10).Select(i => ChatMessages.Create(i, 1)), new InsertManyOptions { IsOrdered = false });
        var filter = new BsonDocument { { "room_id", "room-0000" }, { "_id", new BsonDocument("$lt", ObjectId.GenerateNewId()) } };
        await messages.Find(filter).Sort(new BsonDocument("_id", -1)).Limit(50).ToListAsync();

        var samples = new List<(string, byte[])>();
        lock (sent)
        {
            foreach (var name in new[] { "insert", "find" })
            {
                var command = sent.First(c => c.GetElement(0).Name == name);

                // The driver sends the documents as an OP_MSG document sequence, outside the body that is parsed.
                command.Remove("documents");
                Console.WriteLine($"{name} body as sent: {command}");
                samples.Add(($"{name} body as sent to the embedded engine", command.ToBson()));
                if (name == "insert" && !command.Contains("$clusterTime"))
                {
                    // To a replica set (Atlas) an insert is a retryable write (txnNumber), and the driver gossips the
                    // $clusterTime the set answers with on every command.
                    var gossiped = command.DeepClone().AsBsonDocument;
                    gossiped.Add("txnNumber", 42L);
                    gossiped.Add("$clusterTime", new BsonDocument
                    {
                        { "clusterTime", new BsonTimestamp(1_765_000_000, 1) },
                        { "signature", new BsonDocument { { "hash", new BsonBinaryData(new byte[20]) }, { "keyId", 7_300_000_000_000_000_000L } } },
                    });
                    samples.Add(("insert body + txnNumber, $clusterTime (replica set)", gossiped.ToBson()));
                }
            }
        }

        return samples;
    }

    /// <summary>The best of a few rounds, so that another process's burst on the shared cores counts least.</summary>
    private static (long Bytes, double Nanoseconds) Measure(byte[] bytes, Func<byte[], int, int, BsonDocument> read)
    {
        for (var i = 0; i < Calls / 10; i++)
        {
            s_sink += read(bytes, 0, bytes.Length).ElementCount;
        }

        var best = (Bytes: long.MaxValue, Nanoseconds: double.MaxValue);
        for (var round = 0; round < Rounds; round++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < Calls; i++)
            {
                s_sink += read(bytes, 0, bytes.Length).ElementCount;
            }

            var nanoseconds = Stopwatch.GetElapsedTime(started).TotalNanoseconds / Calls;
            best = (Math.Min(best.Bytes, (GC.GetAllocatedBytesForCurrentThread() - allocated) / Calls), Math.Min(best.Nanoseconds, nanoseconds));
        }

        return best;
    }
}
