using ChatSocket.EmbeddedMongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace EngineBench;

/// <summary>
/// What one stored chat message costs the embedded engine in memory (it keeps every document and index entry in the
/// process): managed heap after a full GC, before and after inserting the messages, divided by their number.
/// </summary>
internal static class MemoryBenchmark
{
    private const int Messages = 200_000;

    public static async Task RunAsync()
    {
        await RunOnceAsync(textIndex: false);
        await RunOnceAsync(textIndex: true);
    }

    private static async Task RunOnceAsync(bool textIndex)
    {
        await using var server = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions());
        using var client = new MongoClient(server.ConnectionString);
        var collection = client.GetDatabase("bench").GetCollection<BsonDocument>("messages");
        await ChatMessages.CreateIndexesAsync(collection);
        if (textIndex)
        {
            await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
                new BsonDocument { { "room_id", 1 }, { "content", "text" } }, new CreateIndexOptions { DefaultLanguage = "none" }));
        }

        await collection.InsertOneAsync(ChatMessages.Create(-1, 1000));

        var before = SettledHeap();
        for (var start = 0; start < Messages; start += 1000)
        {
            var batch = Enumerable.Range(start, 1000).Select(i => ChatMessages.Create(i, 1000)).ToList();
            await collection.InsertManyAsync(batch, new InsertManyOptions { IsOrdered = false });
        }

        var after = SettledHeap();
        var bson = ChatMessages.Create(0, 1000).ToBson().Length;
        Console.WriteLine($"memory: {Messages:N0} messages of {bson} BSON bytes in 1,000 rooms, with the chat's indexes{(textIndex ? " and the text index" : "")}: " +
            $"{(after - before) / (double)Messages:F0} bytes of managed heap per message ({(after - before) / 1048576.0:F1} MiB in all)");
    }

    private static long SettledHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
