using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Query;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>insert, delete, update and findAndModify.</summary>
internal static class WriteCommands
{
    public static CommandReply Insert(CommandContext context)
    {
        List<ReadOnlyMemory<byte>> documents;
        if (context.Sequences.TryGetValue("documents", out var sequence))
        {
            documents = sequence;
        }
        else
        {
            documents = [];
            foreach (var document in context.DocumentsOf("documents"))
            {
                documents.Add(document.ToBson());
            }
        }

        if (documents.Count > AdminCommands.MaxWriteBatchSize)
        {
            throw new CommandException(ErrorCodes.InvalidOptions, $"Write batch sizes must be between 1 and {AdminCommands.MaxWriteBatchSize}. Got {documents.Count} operations.");
        }

        var ordered = context.GetBool("ordered", true);
        var errors = new List<WriteError>();
        var n = CollectionAccess.Run(context, create: true, c => c!.Insert(documents, ordered, errors));
        context.Wrote |= n > 0;
        return WriteReply(n, errors);
    }

    private static DocumentReply WriteReply(int n, List<WriteError> errors, BsonDocument? extra = null)
    {
        var reply = new BsonDocument("n", n);
        if (extra is not null)
        {
            reply.AddRange(extra);
        }

        if (errors.Count > 0)
        {
            var array = new BsonArray(errors.Count);
            foreach (var error in errors)
            {
                array.Add(error.ToDocument());
            }

            reply.Add("writeErrors", array);
        }

        return new DocumentReply(reply);
    }

    public static CommandReply Delete(CommandContext context)
    {
        var statements = context.DocumentsOf("deletes");
        var ordered = context.GetBool("ordered", true);
        var errors = new List<WriteError>();
        var n = CollectionAccess.Run(context, create: false, collection =>
        {
            var total = 0;
            for (var i = 0; i < statements.Count; i++)
            {
                try
                {
                    var statement = statements[i];
                    if (statement.Contains("collation"))
                    {
                        throw new CommandException(ErrorCodes.BadValue, "delete option 'collation' is not supported by the embedded engine");
                    }

                    var limit = statement.GetValue("limit", 0).ToInt32();
                    if (limit is not (0 or 1))
                    {
                        throw new CommandException(ErrorCodes.FailedToParse, "The limit field in delete objects must be 0 or 1. Got " + limit);
                    }

                    var filter = FilterCompiler.Compile(statement.GetValue("q", new BsonDocument()) as BsonDocument
                        ?? throw new CommandException(ErrorCodes.TypeMismatch, "q must be an object"));
                    if (collection is null)
                    {
                        continue;
                    }

                    var matches = QueryExecutor.Run(collection, filter, null, 0, limit);
                    collection.Delete(matches);
                    total += matches.Count;
                }
                catch (Exception e) when (WriteError.From(i, e) is { } error)
                {
                    errors.Add(error);
                    if (ordered)
                    {
                        break;
                    }
                }
            }

            return total;
        });
        context.Wrote |= n > 0;
        return WriteReply(n, errors);
    }

    public static CommandReply Update(CommandContext context)
    {
        var statements = context.DocumentsOf("updates");
        var ordered = context.GetBool("ordered", true);
        var errors = new List<WriteError>();
        var upserted = new BsonArray();
        var modified = 0;
        var n = CollectionAccess.Run(context, create: true, collection =>
        {
            var matched = 0;
            for (var i = 0; i < statements.Count; i++)
            {
                try
                {
                    var result = UpdateOne(collection!, statements[i]);
                    matched += result.Matched;
                    modified += result.Modified;
                    if (result.UpsertedId is not null)
                    {
                        matched++;
                        upserted.Add(new BsonDocument { { "index", i }, { "_id", result.UpsertedId } });
                    }
                }
                catch (Exception e) when (WriteError.From(i, e) is { } error)
                {
                    errors.Add(error);
                    if (ordered)
                    {
                        break;
                    }
                }
            }

            return matched;
        });
        context.Wrote = true;
        var extra = new BsonDocument("nModified", modified);
        if (upserted.Count > 0)
        {
            extra.Add("upserted", upserted);
        }

        return WriteReply(n, errors, extra);
    }

    private static (int Matched, int Modified, BsonValue? UpsertedId) UpdateOne(Collection collection, BsonDocument statement)
    {
        var query = statement.GetValue("q", new BsonDocument()) as BsonDocument ?? throw new CommandException(ErrorCodes.TypeMismatch, "q must be an object");
        var update = statement.GetValue("u", BsonNull.Value);
        foreach (var option in new[] { "arrayFilters", "collation" })
        {
            if (statement.Contains(option))
            {
                throw new CommandException(ErrorCodes.BadValue, $"update option '{option}' is not supported by the embedded engine");
            }
        }

        var multi = statement.GetValue("multi", false).ToBoolean();
        var upsert = statement.GetValue("upsert", false).ToBoolean();
        if (multi && update is BsonDocument u && !UpdateApplier.IsOperatorUpdate(u))
        {
            throw new CommandException(ErrorCodes.FailedToParse, "multi update is not supported for replacement-style update");
        }

        var filter = FilterCompiler.Compile(query);
        var matches = QueryExecutor.Run(collection, filter, null, 0, multi ? 0 : 1);
        if (matches.Count == 0)
        {
            if (!upsert)
            {
                return (0, 0, null);
            }

            var inserted = collection.InsertBuilt(BuildUpsert(query, update));
            return (0, 0, inserted.Id);
        }

        var modified = 0;
        foreach (var document in matches)
        {
            var updated = UpdateApplier.Apply(RawBson.ReadDocument(document.Bytes), update, isInsert: false).ToBson();
            if (!updated.AsSpan().SequenceEqual(document.Bytes))
            {
                collection.Replace(document, updated);
                modified++;
            }
        }

        return (matches.Count, modified, null);
    }

    private static byte[] BuildUpsert(BsonDocument query, BsonValue update)
    {
        BsonDocument document;
        if (update is BsonDocument u && !UpdateApplier.IsOperatorUpdate(u))
        {
            document = UpdateApplier.Apply([], u, isInsert: true);
            var seed = UpdateApplier.UpsertSeed(query);
            if (!document.Contains("_id") && seed.TryGetValue("_id", out var id))
            {
                document.InsertAt(0, new BsonElement("_id", id));
            }
        }
        else
        {
            document = UpdateApplier.Apply(UpdateApplier.UpsertSeed(query), update, isInsert: true);
        }

        return RawBson.WithIdFirst(document.ToBson(), out _);
    }

    public static CommandReply FindAndModify(CommandContext context)
    {
        var query = context.GetDocument("query") ?? [];
        var sort = SortSpec.Parse(context.Body.GetValue("sort", BsonNull.Value));
        var remove = context.GetBool("remove", false);
        var hasUpdate = context.Body.TryGetValue("update", out var update) && !update.IsBsonNull;
        var returnNew = context.GetBool("new", false);
        var upsert = context.GetBool("upsert", false);
        var projection = Projection.Parse(context.Body.GetValue("fields", BsonNull.Value));
        if (remove && hasUpdate)
        {
            throw new CommandException(ErrorCodes.FailedToParse, "Cannot specify both an update and remove=true");
        }

        if (!remove && !hasUpdate)
        {
            throw new CommandException(ErrorCodes.FailedToParse, "Either an update or remove=true must be specified");
        }

        if (remove && (upsert || returnNew))
        {
            throw new CommandException(ErrorCodes.FailedToParse, "Cannot specify both upsert=true and remove=true");
        }

        var filter = FilterCompiler.Compile(query);
        var (value, lastError) = CollectionAccess.Run(context, create: !remove, collection =>
        {
            var match = collection is null ? null : QueryExecutor.Run(collection, filter, sort, 0, 1).FirstOrDefault();
            if (remove)
            {
                if (match is null)
                {
                    return ((byte[]?)null, new BsonDocument("n", 0));
                }

                collection!.Delete([match]);
                return (match.Bytes, new BsonDocument("n", 1));
            }

            try
            {
                if (match is null)
                {
                    if (!upsert)
                    {
                        return (null, new BsonDocument { { "n", 0 }, { "updatedExisting", false } });
                    }

                    var inserted = collection!.InsertBuilt(BuildUpsert(query, update!));
                    return (returnNew ? inserted.Bytes : null, new BsonDocument { { "n", 1 }, { "updatedExisting", false }, { "upserted", inserted.Id } });
                }

                var updated = UpdateApplier.Apply(RawBson.ReadDocument(match.Bytes), update!, isInsert: false).ToBson();
                var stored = updated.AsSpan().SequenceEqual(match.Bytes) ? match : collection!.Replace(match, updated);
                return (returnNew ? stored.Bytes : match.Bytes, new BsonDocument { { "n", 1 }, { "updatedExisting", true } });
            }
            catch (DuplicateKeyException e)
            {
                throw new CommandException(ErrorCodes.DuplicateKey, e.Message);
            }
        });
        context.Wrote = true;
        BsonValue valueDoc = value is null ? BsonNull.Value : RawBson.ReadDocument(projection?.Apply(value) ?? value);
        return new DocumentReply(new BsonDocument { { "lastErrorObject", lastError }, { "value", valueDoc } });
    }
}
