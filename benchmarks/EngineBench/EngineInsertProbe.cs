using System.Diagnostics;
using ChatSocket.EmbeddedMongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace EngineBench;

/// <summary>The engine's own share of an insert: raw BSON batches straight into the collection, no wire, no driver.</summary>
internal static class EngineInsertProbe
{
    public static async Task RunAsync()
    {
        await using var server = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions());
        using var client = new MongoClient(server.ConnectionString);
        var collection = client.GetDatabase("bench").GetCollection<BsonDocument>("messages");
        await ChatMessages.CreateIndexesAsync(collection);
        var stored = server.Storage.Find("bench", "messages")!;
        var batches = new List<ReadOnlyMemory<byte>>[300];
        for (var b = 0; b < batches.Length; b++)
        {
            batches[b] = [];
            for (var i = 0; i < 1000; i++)
            {
                batches[b].Add(ChatMessages.Create((b * 1000) + i, 1000).ToBson());
            }
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            lock (stored.Sync)
            {
                stored.Insert(batch, ordered: false, new List<ChatSocket.EmbeddedMongo.Storage.WriteError>());
            }
        }

        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine($"engine-only insert: {300_000 / stopwatch.Elapsed.TotalSeconds:N0} docs/s wall, {300_000 / cpuSeconds:N0} docs per CPU-second");
    }
}
