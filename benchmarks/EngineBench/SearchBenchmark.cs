using System.Diagnostics;
using ChatSocket.EmbeddedMongo;
using ChatSocket.Messages;
using ChatSocket.Persistence;
using MongoDB.Bson;
using MongoDB.Driver;

namespace EngineBench;

/// <summary>
/// The server's search and statistics pipelines (taken from ChatSocket.Persistence, not rewritten) over 1,000,000
/// messages in 1,000 rooms spread over 30 days, through the driver; and what the text index costs InsertMany.
/// </summary>
internal static class SearchBenchmark
{
    private const int Messages = 1_000_000;
    private const int Rooms = 1000;
    private const int BatchSize = 1000;
    private static readonly int Runs = int.TryParse(Environment.GetEnvironmentVariable("RUNS"), out var runs) ? runs : 3;
    private static readonly DateTime End = new(2026, 11, 25, 0, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Span = TimeSpan.FromDays(30);

    public static async Task RunAsync()
    {
        await using var server = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions());
        using var client = new MongoClient(server.ConnectionString);
        var collection = client.GetDatabase("bench").GetCollection<BsonDocument>("messages");
        await CreateIndexesAsync(collection, text: true, stats: true);
        var words = new Vocabulary(42);
        var load = Stopwatch.StartNew();
        for (var b = 0; b < Messages / BatchSize; b++)
        {
            await collection.InsertManyAsync(Batch(b, words), new InsertManyOptions { IsOrdered = false });
        }

        Console.WriteLine($"search: loaded {Messages:N0} messages in {Rooms:N0} rooms over {Span.TotalDays} days with 6 indexes in {load.Elapsed.TotalSeconds:N1} s");
        var random = new Random(7);
        string Room() => RoomId(random.Next(Rooms));
        TextQuery Query(string q) => TextQuery.TryParse(q, 200, 10, out var query, out _) ? query! : throw new InvalidOperationException(q);
        var common = Query(words.Word(3));
        var two = Query($"{words.Word(3)} {words.Word(40)}");
        var rare = Query(words.Word(800));
        var phrase = Query($"\"{words.Word(0)} {words.Word(1)}\"");
        var dayStart = End - TimeSpan.FromDays(1);
        var monthStart = End - Span;

        (string Label, int Count, Func<BsonDocument[]> Pipeline)[] cases =
        [
            ($"search 1 common word ({words.Word(3)}), limit 20", 2000, () => MessageSearch.Pipeline(Room(), common, null, 20)),
            ($"search 2 words ({two.Search}), limit 20", 2000, () => MessageSearch.Pipeline(Room(), two, null, 20)),
            ($"search 1 rare word ({words.Word(800)}), limit 20", 2000, () => MessageSearch.Pipeline(Room(), rare, null, 20)),
            ($"search a phrase ({phrase.Search}), limit 20", 2000, () => MessageSearch.Pipeline(Room(), phrase, null, 20)),
            ("room stats: hour buckets, last 24 h", 2000, () => MessageStats.BucketsPipeline(Room(), dayStart, End, StatsBucket.Hour)),
            ("room stats: day buckets, 30 days", 1000, () => MessageStats.BucketsPipeline(Room(), monthStart, End, StatsBucket.Day)),
            ("room stats: top 10 senders, 30 days", 1000, () => MessageStats.TopSendersPipeline(Room(), monthStart, End, 10)),
            ("room stats: distinct senders, 30 days", 1000, () => MessageStats.SenderCountPipeline(Room(), monthStart, End)),
            ("room stats: busiest hour, 30 days", 1000, () => MessageStats.BusiestHourPipeline(Room(), monthStart, End)),
            ("server stats: top 10 rooms, last 24 h", 100, () => MessageStats.TopRoomsPipeline(dayStart, End, 10)),
            ("server stats: count, last 24 h", 100, () => MessageStats.CountPipeline(dayStart, End)),
        ];

        for (var run = 1; run <= Runs; run++)
        {
            foreach (var (label, count, pipeline) in cases)
            {
                var times = new double[count];
                var returned = 0L;
                for (var q = 0; q < count; q++)
                {
                    var stages = pipeline();
                    var started = Stopwatch.GetTimestamp();
                    using var cursor = await collection.AggregateAsync(PipelineDefinition<BsonDocument, BsonDocument>.Create(stages));
                    returned += (await cursor.ToListAsync()).Count;
                    times[q] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                }

                Report($"run={run} {label}", times, returned);
            }
        }
    }

    /// <summary>InsertMany docs/s into a fresh in-memory engine with the chat's indexes, plus the text index, plus
    /// the statistics indexes too.</summary>
    public static async Task InsertCostAsync()
    {
        const int batches = 300;
        var words = new Vocabulary(42);
        var prepared = Enumerable.Range(0, batches).Select(b => Batch(b, words)).ToList();
        for (var run = 1; run <= Runs; run++)
        {
            foreach (var (text, stats) in new[] { (false, false), (true, false), (true, true) })
            {
                await using var server = await EmbeddedMongoServer.StartAsync(new EmbeddedMongoOptions());
                using var client = new MongoClient(server.ConnectionString);
                var collection = client.GetDatabase("bench").GetCollection<BsonDocument>("messages");
                await CreateIndexesAsync(collection, text, stats);
                await collection.InsertManyAsync(prepared[0], new InsertManyOptions { IsOrdered = false });
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var paused = GC.GetTotalPauseDuration();
                var allocated = GC.GetTotalAllocatedBytes();
                var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var stopwatch = Stopwatch.StartNew();
                for (var b = 1; b < batches; b++)
                {
                    await collection.InsertManyAsync(prepared[b], new InsertManyOptions { IsOrdered = false });
                }

                stopwatch.Stop();
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                var documents = (batches - 1) * BatchSize;
                var indexes = text ? (stats ? "chat + text + stats (6)" : "chat + text (4)") : "chat only (3)";
                var gcs = $"GCs {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}";
                var last = GC.GetGCMemoryInfo(GCKind.Any);
                Console.WriteLine($"  last GC: gen{last.Generation} compacted={last.Compacted} concurrent={last.Concurrent} promoted {last.PromotedBytes / 1048576.0:N1} MB, heap {last.HeapSizeBytes / 1048576.0:N0} MB, pause {last.PauseDurations[0].TotalMilliseconds:N1} ms, gen sizes {string.Join('/', last.GenerationInfo.ToArray().Select(g => (g.SizeAfterBytes / 1048576.0).ToString("N0")))} MB");
                Console.WriteLine($"insert run={run} indexes={indexes,-24}: {documents / stopwatch.Elapsed.TotalSeconds,9:N0} docs/s wall, {documents / cpuSeconds,9:N0} docs per CPU-second, {gcs}, paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:N0} ms, {(GC.GetTotalAllocatedBytes() - allocated) / documents:N0} B allocated a document");
            }
        }
    }

    private static List<BsonDocument> Batch(int b, Vocabulary words)
    {
        var batch = new List<BsonDocument>(BatchSize);
        for (var i = 0; i < BatchSize; i++)
        {
            var n = (b * BatchSize) + i;
            // Spread evenly over the 30 days, so each room has ~33 messages a day.
            var time = End - Span + TimeSpan.FromTicks(Span.Ticks / Messages * n);
            batch.Add(new BsonDocument
            {
                { "_id", ObjectId.GenerateNewId(time) },
                { "room_id", RoomId(n % Rooms) },
                { "timestamp", new BsonDateTime(time) },
                { "sender", "user-" + (n % 97) },
                { "content", words.Sentence(n) },
                { "client_msg_id", "c-" + n },
            });
        }

        return batch;
    }

    private static string RoomId(int room) => "room-" + room.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>All the server's indexes (its defaults: search and statistics on).</summary>
    internal static Task CreateServerIndexesAsync(IMongoCollection<BsonDocument> collection) => CreateIndexesAsync(collection, text: true, stats: true);

    // The server's indexes (Persistence/MessageStore.EnsureIndexesAsync), as index documents.
    private static async Task CreateIndexesAsync(IMongoCollection<BsonDocument> collection, bool text, bool stats)
    {
        await ChatMessages.CreateIndexesAsync(collection);
        if (text)
        {
            await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
                new BsonDocument { { "room_id", 1 }, { "content", "text" } }, new CreateIndexOptions { DefaultLanguage = "none", Name = MessageStore.SearchIndex }));
        }

        if (stats)
        {
            await collection.Indexes.CreateManyAsync(
            [
                new CreateIndexModel<BsonDocument>(new BsonDocument { { "room_id", 1 }, { "timestamp", 1 } }, new CreateIndexOptions { Name = MessageStore.StatsIndex }),
                new CreateIndexModel<BsonDocument>(new BsonDocument("timestamp", 1), new CreateIndexOptions { Name = MessageStore.TimestampIndex }),
            ]);
        }
    }

    private static void Report(string label, double[] microseconds, long returned)
    {
        Array.Sort(microseconds);
        Console.WriteLine($"{label}: p50 {microseconds[microseconds.Length / 2] / 1000:N2} ms, p99 {microseconds[(int)(microseconds.Length * 0.99)] / 1000:N2} ms, mean {microseconds.Average() / 1000:N2} ms, max {microseconds[^1] / 1000:N2} ms ({microseconds.Length:N0} queries, {returned / (double)microseconds.Length:N1} docs each)");
    }

    /// <summary>3,000 made-up words used with a Zipf-like frequency (rank r about 1/(r+1)), 5-14 words a message.</summary>
    internal sealed class Vocabulary
    {
        private static readonly string[] Syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "den", "par", "qu", "zel", "bri", "om", "fa", "gu"];
        private readonly string[] _words;
        private readonly double[] _cumulative;

        public Vocabulary(int seed)
        {
            var random = new Random(seed);
            var words = new HashSet<string>(StringComparer.Ordinal);
            while (words.Count < 3000)
            {
                var length = random.Next(2, 4);
                words.Add(string.Concat(Enumerable.Range(0, length).Select(_ => Syllables[random.Next(Syllables.Length)])));
            }

            _words = [.. words];
            _cumulative = new double[_words.Length];
            var sum = 0.0;
            for (var r = 0; r < _words.Length; r++)
            {
                sum += 1.0 / (r + 1);
                _cumulative[r] = sum;
            }

            for (var r = 0; r < _words.Length; r++)
            {
                _cumulative[r] /= sum;
            }
        }

        public string Word(int rank) => _words[rank];

        public string Sentence(int n)
        {
            var random = new Random(n);
            var count = random.Next(5, 15);
            var words = new string[count];
            for (var i = 0; i < count; i++)
            {
                var at = Array.BinarySearch(_cumulative, random.NextDouble());
                words[i] = _words[Math.Min(at < 0 ? ~at : at, _words.Length - 1)];
            }

            return string.Join(' ', words);
        }
    }
}
