using System.Diagnostics;
using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace EngineBench;

/// <summary>Where an insert's time goes: each phase of the engine's insert path timed on its own.</summary>
internal static class PhaseProbe
{
    public static void Run()
    {
        var engine = new StorageEngine();
        var collection = engine.GetOrCreate("bench", "messages", out _);
        collection.CreateIndex(IndexDefinition.Parse(new BsonDocument { { "key", new BsonDocument { { "room_id", 1 }, { "_id", -1 } } }, { "name", "room" } }));
        collection.CreateIndex(IndexDefinition.Parse(new BsonDocument
        {
            { "key", new BsonDocument { { "room_id", 1 }, { "sender", 1 }, { "client_msg_id", 1 } } },
            { "name", "dedupe" },
            { "unique", true },
            { "partialFilterExpression", new BsonDocument("client_msg_id", new BsonDocument("$exists", true)) },
        }));
        const int n = 300_000;
        var raw = new byte[n][];
        for (var i = 0; i < n; i++)
        {
            raw[i] = ChatMessages.Create(i, 1000).ToBson();
        }

        var timings = new double[6];
        var docs = new StoredDocument[n];
        var t = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            var bytes = RawBson.WithIdFirst(raw[i], out var id);
            docs[i] = new StoredDocument(i, bytes, id);
        }

        timings[0] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        var keys = new List<BsonValue[]>[collection.Indexes.Count][];
        for (var x = 0; x < collection.Indexes.Count; x++)
        {
            keys[x] = new List<BsonValue[]>[n];
            t = Stopwatch.GetTimestamp();
            for (var i = 0; i < n; i++)
            {
                keys[x][i] = collection.Indexes[x].KeysOf(docs[i]);
            }

            timings[1 + x] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }

        t = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            for (var x = 0; x < collection.Indexes.Count; x++)
            {
                collection.Indexes[x].AddChecked(keys[x][i], docs[i]);
            }
        }

        timings[4] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        var ids = new BsonArray { docs[5].Id, docs[50_000].Id, docs[250_000].Id };
        var orFilter = new BsonDocument("$or", new BsonArray
        {
            new BsonDocument { { "room_id", "room-0005" }, { "_id", docs[5].Id } },
            new BsonDocument { { "room_id", "room-0000" }, { "_id", docs[50_000].Id } },
        });
        foreach (var (label, query) in new[] { ("$in on _id", new BsonDocument("_id", new BsonDocument("$in", ids))), ("$or of room+_id", orFilter) })
        {
            var started = Stopwatch.GetTimestamp();
            int found;
            lock (collection.Sync)
            {
                found = ChatSocket.EmbeddedMongo.Query.QueryExecutor.Run(collection, ChatSocket.EmbeddedMongo.Query.FilterCompiler.Compile(query), null, 0, 0).Count;
            }

            Console.WriteLine($"{label}: {found} found in {Stopwatch.GetElapsedTime(started).TotalMicroseconds:N0} us over {n:N0} documents");
        }

        Console.WriteLine($"per doc (us): idFirst {timings[0] * 1000 / n:N2}, keys _id {timings[1] * 1000 / n:N2}, keys room {timings[2] * 1000 / n:N2}, keys dedupe {timings[3] * 1000 / n:N2}, check+add all {timings[4] * 1000 / n:N2}");
    }
}
