using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatSocket.Persistence;

/// <summary>
/// Room and server statistics as aggregation pipelines that run unchanged on Atlas and on the embedded engine. Each
/// starts with a <c>$match</c> on the time range (and the room) that an index serves: <see cref="MessageStore.StatsIndex"/>
/// for a room, <see cref="MessageStore.TimestampIndex"/> across rooms. No <c>$facet</c> (the engine has none): one
/// pipeline per figure, run side by side.
/// </summary>
internal sealed class MessageStats(MongoConnection connection) : IMessageStats
{
    public async Task<RoomStats> GetRoomStatsAsync(string roomId, DateTime from, DateTime to, StatsBucket bucket, int top, CancellationToken cancellationToken)
    {
        try
        {
            var buckets = RunAsync(BucketsPipeline(roomId, from, to, bucket), cancellationToken);
            var senders = RunAsync(TopSendersPipeline(roomId, from, to, top), cancellationToken);
            var distinct = RunAsync(SenderCountPipeline(roomId, from, to), cancellationToken);
            var hours = RunAsync(BusiestHourPipeline(roomId, from, to), cancellationToken);
            await Task.WhenAll(buckets, senders, distinct, hours);

            var activity = (await buckets).Select(d => new ActivityBucket(d["_id"].ToUniversalTime(), d["messages"].ToInt64(), d["active"].ToInt64())).ToList();
            var busiest = (await hours).Select(d => new NamedCount(d["_id"].ToInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), d["messages"].ToInt64())).FirstOrDefault();
            return new RoomStats(
                activity,
                activity.Sum(b => b.Messages),
                (await distinct).Select(d => d["senders"].ToInt64()).FirstOrDefault(),
                [.. (await senders).Select(Named)],
                busiest);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            throw new ArchiveUnavailableException("the room's statistics could not be read from the database right now; try again shortly", ex);
        }
    }

    public async Task<ServerStats> GetServerStatsAsync(DateTime from, DateTime to, int top, CancellationToken cancellationToken)
    {
        try
        {
            var rooms = RunAsync(TopRoomsPipeline(from, to, top), cancellationToken);
            var total = RunAsync(CountPipeline(from, to), cancellationToken);
            await Task.WhenAll(rooms, total);
            return new ServerStats((await total).Select(d => d["messages"].ToInt64()).FirstOrDefault(), [.. (await rooms).Select(Named)]);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            throw new ArchiveUnavailableException("the statistics could not be read from the database right now; try again shortly", ex);
        }
    }

    /// <summary>Messages and distinct senders per hour or day (UTC), oldest first; empty buckets are absent.</summary>
    internal static BsonDocument[] BucketsPipeline(string roomId, DateTime from, DateTime to, StatsBucket bucket) =>
    [
        Range(roomId, from, to),
        new("$group", new BsonDocument
        {
            { "_id", new BsonDocument("$dateTrunc", new BsonDocument { { "date", "$timestamp" }, { "unit", bucket == StatsBucket.Day ? "day" : "hour" }, { "timezone", "UTC" } }) },
            { "messages", new BsonDocument("$sum", 1) },
            { "senders", new BsonDocument("$addToSet", "$sender") },
        }),
        new("$project", new BsonDocument { { "messages", 1 }, { "active", new BsonDocument("$size", "$senders") } }),
        new("$sort", new BsonDocument("_id", 1)),
    ];

    /// <summary>The <paramref name="top"/> senders by messages, ties by name.</summary>
    internal static BsonDocument[] TopSendersPipeline(string roomId, DateTime from, DateTime to, int top) =>
        TopBy("$sender", Range(roomId, from, to), top);

    /// <summary>How many distinct senders wrote in the range.</summary>
    internal static BsonDocument[] SenderCountPipeline(string roomId, DateTime from, DateTime to) =>
    [
        Range(roomId, from, to),
        new("$group", new BsonDocument("_id", "$sender")),
        new("$count", "senders"),
    ];

    /// <summary>The hour of day (UTC) with the most messages, ties to the earlier hour.</summary>
    internal static BsonDocument[] BusiestHourPipeline(string roomId, DateTime from, DateTime to) =>
        TopBy(new BsonDocument("$hour", "$timestamp"), Range(roomId, from, to), 1);

    /// <summary>The <paramref name="top"/> rooms by messages across the server, ties by room id.</summary>
    internal static BsonDocument[] TopRoomsPipeline(DateTime from, DateTime to, int top) =>
        TopBy("$room_id", Range(null, from, to), top);

    /// <summary>Messages stored across the server in the range.</summary>
    internal static BsonDocument[] CountPipeline(DateTime from, DateTime to) =>
        [Range(null, from, to), new("$count", "messages")];

    private static BsonDocument[] TopBy(BsonValue key, BsonDocument range, int top) =>
    [
        range,
        new("$group", new BsonDocument { { "_id", key }, { "messages", new BsonDocument("$sum", 1) } }),
        new("$sort", new BsonDocument { { "messages", -1 }, { "_id", 1 } }),
        new("$limit", top),
    ];

    private static BsonDocument Range(string? roomId, DateTime from, DateTime to)
    {
        var match = new BsonDocument();
        if (roomId is not null)
        {
            match["room_id"] = roomId;
        }

        match["timestamp"] = new BsonDocument { { "$gte", new BsonDateTime(from) }, { "$lt", new BsonDateTime(to) } };
        return new BsonDocument("$match", match);
    }

    private static NamedCount Named(BsonDocument document) => new(document["_id"].ToString()!, document["messages"].ToInt64());

    private async Task<List<BsonDocument>> RunAsync(BsonDocument[] pipeline, CancellationToken cancellationToken)
    {
        using var cursor = await connection.Messages.AggregateAsync(
            PipelineDefinition<StoredMessage, BsonDocument>.Create(pipeline), cancellationToken: cancellationToken);
        return await cursor.ToListAsync(cancellationToken);
    }
}
