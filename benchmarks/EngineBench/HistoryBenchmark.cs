using System.Diagnostics;
using ChatSocket.EmbeddedMongo;
using ChatSocket.EmbeddedMongo.Query;
using MongoDB.Bson;
using MongoDB.Driver;

namespace EngineBench;

/// <summary>
/// The chat's history query, {room_id: R, _id: {$lt: X}} sorted by _id descending, limit 50, over 1,000,000 messages
/// in 1,000 rooms: engine time (plan + index scan, inside the process) and the round trip through the driver.
/// </summary>
internal static class HistoryBenchmark
{
    private const int Messages = 1_000_000;
    private const int Rooms = 1000;
    private const int Queries = 20_000;

    public static async Task RunAsync()
    {
        await using var server = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions());
        using var client = new MongoClient(server.ConnectionString);
        var collection = client.GetDatabase("bench").GetCollection<BsonDocument>("messages");
        await ChatMessages.CreateIndexesAsync(collection);
        var ids = new ObjectId[Messages];
        var rooms = new string[Messages];
        var load = Stopwatch.StartNew();
        for (var b = 0; b < Messages / 1000; b++)
        {
            var batch = new List<BsonDocument>(1000);
            for (var i = 0; i < 1000; i++)
            {
                var n = (b * 1000) + i;
                var document = ChatMessages.Create(n, Rooms);
                ids[n] = document["_id"].AsObjectId;
                rooms[n] = document["room_id"].AsString;
                batch.Add(document);
            }

            await collection.InsertManyAsync(batch, new InsertManyOptions { IsOrdered = false });
        }

        Console.WriteLine($"history: loaded {Messages:N0} messages in {Rooms:N0} rooms in {load.Elapsed.TotalSeconds:N1} s");
        var stored = server.Storage.Find("bench", "messages")!;
        var sort = SortSpec.Parse(new BsonDocument("_id", -1));
        var random = new Random(42);
        for (var run = 1; run <= 3; run++)
        {
            var engine = new double[Queries];
            var returned = 0L;
            for (var q = 0; q < Queries; q++)
            {
                var pick = random.Next(Messages);
                var filter = new BsonDocument { { "room_id", rooms[pick] }, { "_id", new BsonDocument("$lt", ids[pick]) } };
                var started = Stopwatch.GetTimestamp();
                lock (stored.Sync)
                {
                    returned += QueryExecutor.Run(stored, FilterCompiler.Compile(filter), sort, 0, 50).Count;
                }

                engine[q] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }

            Report($"history engine (compile + plan + scan) run={run}", engine, returned);
        }

        for (var run = 1; run <= 3; run++)
        {
            var roundTrips = new double[Queries / 4];
            var returned = 0L;
            for (var q = 0; q < roundTrips.Length; q++)
            {
                var pick = random.Next(Messages);
                var filter = new BsonDocument { { "room_id", rooms[pick] }, { "_id", new BsonDocument("$lt", ids[pick]) } };
                var started = Stopwatch.GetTimestamp();
                var page = await collection.Find(filter).Sort(new BsonDocument("_id", -1)).Limit(50).ToListAsync();
                roundTrips[q] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                returned += page.Count;
            }

            Report($"history driver round trip run={run}", roundTrips, returned);
        }
    }

    private static void Report(string label, double[] microseconds, long returned)
    {
        Array.Sort(microseconds);
        var mean = microseconds.Average();
        Console.WriteLine($"{label}: mean {mean:N1} us, p50 {microseconds[microseconds.Length / 2]:N1} us, p99 {microseconds[(int)(microseconds.Length * 0.99)]:N1} us, max {microseconds[^1]:N1} us ({microseconds.Length:N0} queries, {returned / (double)microseconds.Length:N1} docs each)");
    }
}
