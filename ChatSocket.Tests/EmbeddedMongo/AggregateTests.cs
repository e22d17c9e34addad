using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Linq;

namespace ChatSocket.Tests.EmbeddedMongo;

public sealed class AggregateTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private static IMongoCollection<ChatMessageDocument> _messages = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _messages = MongoTarget.Database.GetCollection<ChatMessageDocument>("aggregate_" + Guid.NewGuid().ToString("N")[..8]);
        var documents = Enumerable.Range(0, 30).Select(i => new ChatMessageDocument
        {
            Id = ObjectId.GenerateNewId(),
            RoomId = "room" + (i % 3),
            Sender = i % 2 == 0 ? "ann" : "bob",
            Content = "hello world " + i,
            Length = i,
        });
        await _messages.InsertManyAsync(documents).WaitAsync(Deadline);
    }

    private static async Task<List<BsonDocument>> RunAsync(params BsonDocument[] stages) =>
        await (await _messages.Database.GetCollection<BsonDocument>(_messages.CollectionNamespace.CollectionName).AggregateAsync<BsonDocument>(stages).WaitAsync(Deadline)).ToListAsync().WaitAsync(Deadline);

    [Test]
    public async Task Match_sort_skip_limit_and_project_work_together()
    {
        var result = await RunAsync(
            new BsonDocument("$match", new BsonDocument("room_id", "room1")),
            new BsonDocument("$sort", new BsonDocument("length", -1)),
            new BsonDocument("$skip", 1),
            new BsonDocument("$limit", 2),
            new BsonDocument("$project", new BsonDocument { { "_id", 0 }, { "len", "$length" }, { "sender", 1 } }));

        Assert.That(result, Is.EqualTo(new[]
        {
            new BsonDocument { { "sender", "bob" }, { "len", 25 } },
            new BsonDocument { { "sender", "ann" }, { "len", 22 } },
        }));
    }

    [Test]
    public async Task Group_accumulates_sum_min_max_first_last_and_push()
    {
        var result = await RunAsync(
            new BsonDocument("$match", new BsonDocument("length", new BsonDocument("$lt", 6))),
            new BsonDocument("$sort", new BsonDocument("length", 1)),
            new BsonDocument("$group", new BsonDocument
            {
                { "_id", "$sender" },
                { "count", new BsonDocument("$sum", 1) },
                { "total", new BsonDocument("$sum", "$length") },
                { "min", new BsonDocument("$min", "$length") },
                { "max", new BsonDocument("$max", "$length") },
                { "first", new BsonDocument("$first", "$length") },
                { "last", new BsonDocument("$last", "$length") },
                { "all", new BsonDocument("$push", "$length") },
            }),
            new BsonDocument("$sort", new BsonDocument("_id", 1)));

        Assert.That(result, Is.EqualTo(new[]
        {
            new BsonDocument { { "_id", "ann" }, { "count", 3 }, { "total", 6 }, { "min", 0 }, { "max", 4 }, { "first", 0 }, { "last", 4 }, { "all", new BsonArray { 0, 2, 4 } } },
            new BsonDocument { { "_id", "bob" }, { "count", 3 }, { "total", 9 }, { "min", 1 }, { "max", 5 }, { "first", 1 }, { "last", 5 }, { "all", new BsonArray { 1, 3, 5 } } },
        }));
    }

    [Test]
    public async Task Count_stage_counts_and_yields_nothing_for_no_input()
    {
        var counted = await RunAsync(new BsonDocument("$match", new BsonDocument("room_id", "room2")), new BsonDocument("$count", "n"));
        var none = await RunAsync(new BsonDocument("$match", new BsonDocument("room_id", "nowhere")), new BsonDocument("$count", "n"));

        Assert.That(counted, Is.EqualTo(new[] { new BsonDocument("n", 10) }));
        Assert.That(none, Is.Empty);
    }

    [Test]
    public async Task Linq_where_orderby_take_select_runs_as_an_aggregate()
    {
        var result = await _messages.AsQueryable()
            .Where(m => m.RoomId == "room0" && m.Length > 10)
            .OrderByDescending(m => m.Length)
            .Take(3)
            .Select(m => new { m.Sender, m.Length })
            .ToListAsync().WaitAsync(Deadline);

        Assert.That(result.Select(r => r.Length), Is.EqualTo(new[] { 27, 24, 21 }));
        Assert.That(result.Select(r => r.Sender), Is.EqualTo(new[] { "bob", "ann", "bob" }));
    }

    [Test]
    public async Task Linq_count_and_contains_work()
    {
        var count = await _messages.AsQueryable().CountAsync(m => m.Sender == "ann").WaitAsync(Deadline);
        var containing = await _messages.AsQueryable().Where(m => m.Content.Contains("world 1")).CountAsync().WaitAsync(Deadline);

        Assert.That(count, Is.EqualTo(15));
        Assert.That(containing, Is.EqualTo(11));
    }

    [Test]
    public async Task Linq_group_by_with_aggregates_works()
    {
        var result = await _messages.AsQueryable()
            .GroupBy(m => m.RoomId)
            .Select(g => new { Room = g.Key, Count = g.Count(), Longest = g.Max(m => m.Length) })
            .ToListAsync().WaitAsync(Deadline);

        Assert.That(result.OrderBy(r => r.Room).Select(r => (r.Room, r.Count, r.Longest)), Is.EqualTo(new[] { ("room0", 10, 27), ("room1", 10, 28), ("room2", 10, 29) }));
    }

    [Test]
    public async Task Find_with_an_expression_projection_works()
    {
        var result = await _messages.Find(m => m.Length == 7).Project(m => new { m.RoomId, Upper = m.Sender.ToUpperInvariant() }).SingleAsync().WaitAsync(Deadline);

        Assert.That(result.RoomId, Is.EqualTo("room1"));
        Assert.That(result.Upper, Is.EqualTo("BOB"));
    }

    [Test]
    public void An_unknown_stage_fails_with_40324()
    {
        var error = Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(new BsonDocument("$noSuchStage", new BsonDocument())));

        Assert.That(error!.Code, Is.EqualTo(40324));
        Assert.That(error.Message, Does.Contain("$noSuchStage"));
    }

    [Test]
    public void An_unknown_expression_operator_fails_with_InvalidPipelineOperator()
    {
        var error = Assert.ThrowsAsync<MongoCommandException>(() => RunAsync(new BsonDocument("$project", new BsonDocument("x", new BsonDocument("$noSuchExpression", 1)))));

        Assert.That(error!.Code, Is.EqualTo(168));
        Assert.That(error.Message, Does.Contain("$noSuchExpression"));
    }
}
