using System.Diagnostics;
using ChatSocket.EmbeddedMongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace EngineBench;

/// <summary>InsertMany of 1,000-document batches through MongoDB.Driver, in memory and with a journal.</summary>
internal static class InsertBenchmark
{
    private const int BatchSize = 1000;
    private const int Batches = 300;

    public static async Task RunAsync()
    {
        foreach (var durable in new[] { false, true })
        {
            foreach (var writers in new[] { 1, 4 })
            {
                for (var run = 1; run <= 3; run++)
                {
                    await RunOnceAsync(durable, writers, run);
                }
            }
        }
    }

    private static async Task RunOnceAsync(bool durable, int writers, int run)
    {
        var directory = durable ? Path.Combine(Path.GetTempPath(), "engine-bench-" + Guid.NewGuid().ToString("N")) : null;
        try
        {
            var server = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions { DataDirectory = directory });
            using var client = new MongoClient(server.ConnectionString);
            var collection = client.GetDatabase("bench").GetCollection<BsonDocument>("messages");
            await ChatMessages.CreateIndexesAsync(collection);

            // Documents are built up front: the figure is the engine's (plus the driver's serialisation), not the generator's.
            var batches = new List<BsonDocument>[Batches];
            for (var b = 0; b < Batches; b++)
            {
                batches[b] = new List<BsonDocument>(BatchSize);
                for (var i = 0; i < BatchSize; i++)
                {
                    batches[b].Add(ChatMessages.Create((b * BatchSize) + i, 1000));
                }
            }

            await collection.InsertManyAsync(batches[0], new InsertManyOptions { IsOrdered = false });
            var next = 0;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            var tasks = Enumerable.Range(0, writers).Select(async _ =>
            {
                int b;
                while ((b = Interlocked.Increment(ref next)) < Batches)
                {
                    await collection.InsertManyAsync(batches[b], new InsertManyOptions { IsOrdered = false });
                }
            });
            await Task.WhenAll(tasks);
            stopwatch.Stop();
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            var documents = (Batches - 1) * BatchSize;
            var stored = await collection.EstimatedDocumentCountAsync();
            Console.WriteLine($"insert  durable={durable,-5} writers={writers} run={run}: {documents:N0} docs in {stopwatch.Elapsed.TotalMilliseconds:N0} ms = {documents / stopwatch.Elapsed.TotalSeconds:N0} docs/s, {documents / cpuSeconds:N0} docs per CPU-second of the process (client + server) (stored {stored:N0})");
            await server.DisposeAsync();
            if (directory is not null)
            {
                var replay = Stopwatch.StartNew();
                await using var restarted = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions { DataDirectory = directory });
                Console.WriteLine($"replay  {stored:N0} docs ({new FileInfo(Path.Combine(directory, "journal.bin")).Length / (1024 * 1024):N0} MiB journal) in {replay.Elapsed.TotalMilliseconds:N0} ms");
            }
        }
        finally
        {
            if (directory is not null && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
