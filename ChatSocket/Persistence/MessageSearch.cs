using ChatSocket.Messages;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace ChatSocket.Persistence;

/// <summary>
/// Search through the text index <see cref="MessageStore.SearchIndex"/> (<c>{room_id: 1, content: "text"}</c>): one
/// aggregation pipeline that runs unchanged on Atlas, self-hosted MongoDB and the embedded engine.
/// </summary>
internal sealed class MessageSearch(MongoConnection connection) : IMessageSearch
{
    private const string Score = "score";

    public async Task<SearchPage?> SearchAsync(string roomId, TextQuery query, ObjectId? after, int limit, CancellationToken cancellationToken)
    {
        try
        {
            (double, ObjectId)? position = null;
            if (after is { } id)
            {
                var last = await RunAsync(CursorPipeline(roomId, query, id), cancellationToken);
                if (last.Count == 0)
                {
                    return null;
                }

                position = (last[0][Score].ToDouble(), id);
            }

            var found = await RunAsync(Pipeline(roomId, query, position, limit), cancellationToken);
            var count = Math.Min(found.Count, limit);
            var hits = new SearchHit[count];
            for (var i = 0; i < count; i++)
            {
                var document = found[i];
                var score = document[Score].ToDouble();
                document.Remove(Score);
                hits[i] = new SearchHit(BsonSerializer.Deserialize<StoredMessage>(document).ToChatMessage(), score);
            }

            return new SearchPage(hits, found.Count > limit);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            throw new ArchiveUnavailableException("the message database could not be searched right now; try again shortly", ex);
        }
    }

    /// <summary>
    /// The search: the room's messages with every term (the leading <c>$match</c> is what uses the text index), the
    /// score as a field, what follows <paramref name="after"/> in (score desc, id desc) order, then one more than
    /// <paramref name="limit"/> (it only tells whether another page exists).
    /// </summary>
    internal static BsonDocument[] Pipeline(string roomId, TextQuery query, (double Score, ObjectId Id)? after, int limit)
    {
        var stages = new List<BsonDocument>
        {
            Match(roomId, query),
            new("$addFields", new BsonDocument(Score, new BsonDocument("$meta", "textScore"))),
        };
        if (after is { } from)
        {
            // Keyset paging: the text score of a message for one query never changes, so (score, _id) is a stable order.
            stages.Add(new BsonDocument("$match", new BsonDocument("$or", new BsonArray
            {
                new BsonDocument(Score, new BsonDocument("$lt", from.Score)),
                new BsonDocument { { Score, from.Score }, { "_id", new BsonDocument("$lt", from.Id) } },
            })));
        }

        stages.Add(new BsonDocument("$sort", new BsonDocument { { Score, -1 }, { "_id", -1 } }));
        stages.Add(new BsonDocument("$limit", limit + 1));
        return [.. stages];
    }

    /// <summary>The score of the previous page's last result, if it is a result of this query in this room.</summary>
    internal static BsonDocument[] CursorPipeline(string roomId, TextQuery query, ObjectId after)
    {
        var match = Match(roomId, query);
        match["$match"]["_id"] = after;
        return [match, new BsonDocument("$project", new BsonDocument(Score, new BsonDocument("$meta", "textScore")))];
    }

    // The user's text is only ever the string value of $search.
    private static BsonDocument Match(string roomId, TextQuery query) => new("$match", new BsonDocument
    {
        { "room_id", roomId },
        { "$text", new BsonDocument { { "$search", query.Search }, { "$caseSensitive", false }, { "$diacriticSensitive", false } } },
    });

    private async Task<List<BsonDocument>> RunAsync(BsonDocument[] pipeline, CancellationToken cancellationToken)
    {
        using var cursor = await connection.Messages.AggregateAsync(
            PipelineDefinition<StoredMessage, BsonDocument>.Create(pipeline), cancellationToken: cancellationToken);
        return await cursor.ToListAsync(cancellationToken);
    }
}
