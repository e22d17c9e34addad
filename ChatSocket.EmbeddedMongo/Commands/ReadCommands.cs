using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Query;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>find, getMore, killCursors, count and distinct.</summary>
internal static class ReadCommands
{
    /// <summary>Options that would change the result; refused rather than silently ignored.</summary>
    private static readonly string[] UnsupportedFindOptions = ["collation", "tailable", "awaitData", "min", "max", "returnKey", "showRecordId", "allowPartialResults"];

    public static CommandReply Find(CommandContext context)
    {
        var filter = FilterCompiler.Compile(context.GetDocument("filter"));
        var sort = SortSpec.Parse(context.Body.GetValue("sort", BsonNull.Value));
        var projection = Projection.Parse(context.Body.GetValue("projection", BsonNull.Value));
        var skip = context.GetInt("skip", 0);
        var limit = context.GetInt("limit", 0);
        var singleBatch = context.GetBool("singleBatch", false);
        int? batchSize = context.Body.Contains("batchSize") ? context.GetInt("batchSize", 0) : null;
        if (skip < 0)
        {
            throw new CommandException(51024, "BSON field 'skip' value must be >= 0, actual value '" + skip + "'");
        }

        if (limit < 0)
        {
            // Legacy negative limit: one batch of that many.
            limit = -limit;
            singleBatch = true;
        }

        foreach (var option in UnsupportedFindOptions)
        {
            if (context.Body.TryGetValue(option, out var value) && !(value.IsBoolean && !value.AsBoolean))
            {
                throw new CommandException(ErrorCodes.BadValue, $"find option '{option}' is not supported by the embedded engine");
            }
        }

        var documents = CollectionAccess.Run(context, create: false, collection =>
        {
            var result = new List<byte[]>();
            if (collection is null)
            {
                return result;
            }

            var scores = filter.Text is null || projection is null ? null : new Dictionary<long, double>();
            foreach (var document in QueryExecutor.Run(collection, filter, sort, skip, limit, scores))
            {
                result.Add(projection is null ? document.Bytes
                    : scores is null ? projection.Apply(document.Bytes)
                    : WithScore(projection, document.Bytes, scores[document.RecordId]));
            }

            return result;
        });
        if (limit > 0 && batchSize is null)
        {
            batchSize = limit;
        }

        return CursorBatches.First(context, context.Namespace, documents, batchSize, singleBatch);
    }

    /// <summary>Projects a text query's result, whose projection may ask for <c>{$meta: "textScore"}</c>.</summary>
    private static byte[] WithScore(Projection projection, byte[] bytes, double score)
    {
        var document = RawBson.ReadDocument(bytes);
        document[TextSearch.ScoreField] = score;
        var projected = projection.Apply(document);
        projected.Remove(TextSearch.ScoreField);
        return projected.ToBson();
    }

    public static CommandReply GetMore(CommandContext context)
    {
        var idValue = context.Body[0];
        if (idValue.BsonType != BsonType.Int64)
        {
            throw new CommandException(ErrorCodes.TypeMismatch, "BSON field 'getMore.getMore' is the wrong type, expected type 'long'");
        }

        var id = idValue.AsInt64;
        var cursor = context.Cursors.Take(id) ?? throw new CommandException(ErrorCodes.CursorNotFound, $"cursor id {id} not found");
        var batchSize = context.GetInt("batchSize", 0);
        var count = CursorBatches.Take(cursor.Documents, cursor.Position, batchSize > 0 ? batchSize : int.MaxValue);
        var start = cursor.Position;
        cursor.Position += count;
        long replyId = 0;
        if (!cursor.IsExhausted)
        {
            context.Cursors.Return(cursor);
            replyId = cursor.Id;
        }

        return new CursorReply(cursor.Namespace, replyId, first: false, cursor.Documents, start, count);
    }

    public static CommandReply KillCursors(CommandContext context)
    {
        var killed = new BsonArray();
        var notFound = new BsonArray();
        if (context.Body.GetValue("cursors", BsonNull.Value) is not BsonArray ids)
        {
            throw new CommandException(ErrorCodes.FailedToParse, "BSON field 'killCursors.cursors' is missing but a required field");
        }

        foreach (var id in ids)
        {
            (context.Cursors.Kill(id.ToInt64()) ? killed : notFound).Add(id);
        }

        return new DocumentReply(new BsonDocument
        {
            { "cursorsKilled", killed },
            { "cursorsNotFound", notFound },
            { "cursorsAlive", new BsonArray() },
            { "cursorsUnknown", new BsonArray() },
        });
    }

    public static CommandReply Count(CommandContext context)
    {
        var filter = FilterCompiler.Compile(context.GetDocument("query"));
        var skip = context.GetInt("skip", 0);
        var limit = Math.Abs(context.GetInt("limit", 0));
        var n = CollectionAccess.Run(context, create: false, collection =>
        {
            if (collection is null)
            {
                return 0;
            }

            var total = filter.IsEmpty ? collection.Count : QueryExecutor.Run(collection, filter, null, 0, 0).Count;
            total = Math.Max(0, total - skip);
            return limit > 0 ? Math.Min(limit, total) : total;
        });
        return new DocumentReply(new BsonDocument("n", n));
    }

    public static CommandReply Distinct(CommandContext context)
    {
        var key = context.Body.GetValue("key", BsonNull.Value);
        if (!key.IsString)
        {
            throw new CommandException(ErrorCodes.TypeMismatch, "BSON field 'distinct.key' is missing or not a string");
        }

        var segments = PathValues.Split(key.AsString);
        var filter = FilterCompiler.Compile(context.GetDocument("query"));
        var values = CollectionAccess.Run(context, create: false, collection =>
        {
            var result = new List<BsonValue>();
            if (collection is null)
            {
                return result;
            }

            var fields = new FieldSet([FieldSet.TopLevel(key.AsString)]);
            var found = new List<BsonValue>();
            foreach (var document in QueryExecutor.Run(collection, filter, null, 0, 0))
            {
                found.Clear();
                PathValues.Collect(RawBson.Extract(document.Bytes, fields), segments, found);
                foreach (var value in found)
                {
                    if (value is BsonArray array)
                    {
                        result.AddRange(array);
                    }
                    else
                    {
                        result.Add(value);
                    }
                }
            }

            return result;
        });
        var distinct = new SortedSet<BsonValue>(values, BsonOrder.Instance);
        return new DocumentReply(new BsonDocument("values", new BsonArray(distinct)));
    }
}
