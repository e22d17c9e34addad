using System.Diagnostics;
using ChatSocket.EmbeddedMongo;
using ChatSocket.Persistence;
using MongoDB.Bson;
using MongoDB.Driver;

namespace EngineBench;

/// <summary>
/// What one stored message costs when the writer's batches hold one document (the server below ~1,000 messages/s):
/// one <c>InsertMany</c> of one <see cref="StoredMessage"/> at a time, through the driver, into the embedded engine
/// with its journal on disk and the server's write concern, the server's indexes. Process CPU and bytes per insert.
/// </summary>
internal static class SingleInsertProbe
{
    private const int Warmup = 3_000;
    private const int Measured = 5_000;

    public static async Task RunAsync()
    {
        var directory = Directory.CreateTempSubdirectory("engine-bench-");
        try
        {
            await using var server = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions { DataDirectory = directory.FullName });
            using var client = new MongoClient(server.ConnectionString);
            var database = client.GetDatabase("bench");
            await SearchBenchmark.CreateServerIndexesAsync(database.GetCollection<BsonDocument>("messages"));
            var messages = database.GetCollection<StoredMessage>("messages").WithWriteConcern(new WriteConcern("majority", journal: true));
            var unordered = new InsertManyOptions { IsOrdered = false };
            var words = new SearchBenchmark.Vocabulary(7);
            for (var round = 1; round <= 3; round++)
            {
                var n = (round - 1) * (Warmup + Measured);
                for (var i = 0; i < Warmup; i++, n++)
                {
                    await messages.InsertManyAsync([Message(n, words)], unordered);
                }

                var batch = Enumerable.Range(n, Measured).Select(i => Message(i, words)).ToArray();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var gen0 = GC.CollectionCount(0);
                var stopwatch = Stopwatch.StartNew();
                foreach (var message in batch)
                {
                    await messages.InsertManyAsync([message], unordered);
                }

                stopwatch.Stop();
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                Console.WriteLine(
                    $"single-insert round {round}: {stopwatch.Elapsed.TotalMicroseconds / Measured:N0} us wall, " +
                    $"{cpuSeconds * 1e6 / Measured:N0} us CPU, {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / Measured:N0} B allocated per insert, " +
                    $"{GC.CollectionCount(0) - gen0} gen0 GCs");
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static StoredMessage Message(int n, SearchBenchmark.Vocabulary words) => new()
    {
        Id = ObjectId.GenerateNewId(),
        RoomId = "room-" + (n % 10),
        Timestamp = DateTime.UtcNow,
        Sender = "user-" + (n % 100),
        Content = words.Sentence(n),
        ClientMsgId = "c-" + n,
    };
}
