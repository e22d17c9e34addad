using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>The pipelines the room statistics need: time buckets with $dateTrunc, active senders with $addToSet/$size, $hour.</summary>
public sealed class AnalyticsAggregationTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private static readonly DateTime Day = new(2025, 3, 10, 0, 0, 0, DateTimeKind.Utc);
    private static IMongoCollection<BsonDocument> _messages = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _messages = MongoTarget.NewCollection("stats");
        var minutes = new[] { (0, 5, "ann"), (0, 50, "bob"), (0, 59, "ann"), (1, 0, "ann"), (1, 30, "cid"), (25, 10, "bob") };
        await _messages.InsertManyAsync(minutes.Select((m, i) => new BsonDocument
        {
            { "_id", i },
            { "room_id", "r1" },
            { "sender", m.Item3 },
            { "timestamp", Day.AddHours(m.Item1).AddMinutes(m.Item2) },
        })).WaitAsync(Deadline);
    }

    private static async Task<List<BsonDocument>> RunAsync(params BsonDocument[] stages) =>
        await (await _messages.AggregateAsync<BsonDocument>(stages).WaitAsync(Deadline)).ToListAsync().WaitAsync(Deadline);

    private static BsonDocument Range(DateTime from, DateTime to) => new("$match", new BsonDocument
    {
        { "room_id", "r1" },
        { "timestamp", new BsonDocument { { "$gte", from }, { "$lt", to } } },
    });

    private static BsonDocument Buckets(string unit) => new("$group", new BsonDocument
    {
        { "_id", new BsonDocument("$dateTrunc", new BsonDocument { { "date", "$timestamp" }, { "unit", unit }, { "timezone", "UTC" } }) },
        { "messages", new BsonDocument("$sum", 1) },
        { "senders", new BsonDocument("$addToSet", "$sender") },
    });

    [Test]
    public async Task Messages_and_active_senders_per_hour()
    {
        var result = await RunAsync(
            Range(Day, Day.AddDays(1)),
            Buckets("hour"),
            new BsonDocument("$project", new BsonDocument { { "messages", 1 }, { "active", new BsonDocument("$size", "$senders") } }),
            new BsonDocument("$sort", new BsonDocument("_id", 1)));

        Assert.That(result, Is.EqualTo(new[]
        {
            new BsonDocument { { "_id", Day }, { "messages", 3 }, { "active", 2 } },
            new BsonDocument { { "_id", Day.AddHours(1) }, { "messages", 2 }, { "active", 2 } },
        }));
    }

    [Test]
    public async Task Messages_per_day_over_a_range()
    {
        var result = await RunAsync(
            Range(Day, Day.AddDays(3)),
            Buckets("day"),
            new BsonDocument("$sort", new BsonDocument("_id", 1)),
            new BsonDocument("$project", new BsonDocument("messages", 1)));

        Assert.That(result, Is.EqualTo(new[]
        {
            new BsonDocument { { "_id", Day }, { "messages", 5 } },
            new BsonDocument { { "_id", Day.AddDays(1) }, { "messages", 1 } },
        }));
    }

    [Test]
    public async Task Top_senders_and_the_busiest_hour()
    {
        var top = await RunAsync(
            Range(Day, Day.AddDays(3)),
            new BsonDocument("$group", new BsonDocument { { "_id", "$sender" }, { "messages", new BsonDocument("$sum", 1) }, { "last", new BsonDocument("$max", "$timestamp") } }),
            new BsonDocument("$sort", new BsonDocument { { "messages", -1 }, { "_id", 1 } }),
            new BsonDocument("$limit", 2));
        var busiest = await RunAsync(
            Range(Day, Day.AddDays(3)),
            new BsonDocument("$group", new BsonDocument { { "_id", new BsonDocument("$hour", "$timestamp") }, { "messages", new BsonDocument("$sum", 1) } }),
            new BsonDocument("$sort", new BsonDocument { { "messages", -1 }, { "_id", 1 } }),
            new BsonDocument("$limit", 1));

        Assert.That(top.Select(d => d["_id"].AsString), Is.EqualTo(new[] { "ann", "bob" }));
        Assert.That(top[0]["messages"].ToInt32(), Is.EqualTo(3));
        Assert.That(top[1]["last"].ToUniversalTime(), Is.EqualTo(Day.AddHours(25).AddMinutes(10)));
        Assert.That(busiest, Is.EqualTo(new[] { new BsonDocument { { "_id", 0 }, { "messages", 3 } } }));
    }

    [Test]
    public async Task DateTrunc_honours_a_timezone()
    {
        var result = await RunAsync(
            new BsonDocument("$match", new BsonDocument("_id", 0)),
            new BsonDocument("$project", new BsonDocument("day", new BsonDocument("$dateTrunc", new BsonDocument
            {
                { "date", "$timestamp" }, { "unit", "day" }, { "timezone", "+02:00" },
            }))));

        Assert.That(result[0]["day"].ToUniversalTime(), Is.EqualTo(Day.AddHours(-2)));
    }

    [Test]
    public async Task Count_after_a_date_range()
    {
        var result = await RunAsync(Range(Day.AddHours(1), Day.AddDays(2)), new BsonDocument("$count", "n"));

        Assert.That(result, Is.EqualTo(new[] { new BsonDocument("n", 3) }));
    }
}
