using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>createIndexes, listIndexes and dropIndexes.</summary>
internal static class IndexCommands
{
    public static CommandReply CreateIndexes(CommandContext context)
    {
        if (context.Body.GetValue("indexes", BsonNull.Value) is not BsonArray specs || specs.Count == 0)
        {
            throw new CommandException(ErrorCodes.BadValue, "Must specify at least one index to create");
        }

        var definitions = new List<IndexDefinition>(specs.Count);
        foreach (var spec in specs)
        {
            definitions.Add(IndexDefinition.Parse(spec as BsonDocument ?? throw new CommandException(ErrorCodes.TypeMismatch, "index specs must be objects")));
        }

        var createdCollection = false;
        var (before, after) = CollectionAccess.Run(context, create: true, collection =>
        {
            createdCollection = context.Wrote;
            var count = collection!.Indexes.Count;
            foreach (var definition in definitions)
            {
                context.Wrote |= collection.CreateIndex(definition);
            }

            return (count, collection.Indexes.Count);
        });
        var reply = new BsonDocument
        {
            { "numIndexesBefore", before },
            { "numIndexesAfter", after },
            { "createdCollectionAutomatically", createdCollection },
        };
        if (before == after)
        {
            reply.Add("note", "all indexes already exist");
        }

        return new DocumentReply(reply);
    }

    public static CommandReply ListIndexes(CommandContext context)
    {
        var documents = CollectionAccess.Run(context, create: false, collection =>
        {
            if (collection is null)
            {
                throw new CommandException(ErrorCodes.NamespaceNotFound, $"ns does not exist: {context.Namespace}");
            }

            var result = new List<byte[]>(collection.Indexes.Count);
            foreach (var index in collection.Indexes)
            {
                result.Add(index.Definition.Spec.ToBson());
            }

            return result;
        });
        var batchSize = context.GetDocument("cursor")?.GetValue("batchSize", BsonNull.Value);
        return CursorBatches.First(context, context.Namespace, documents, batchSize is { IsNumeric: true } ? batchSize.ToInt32() : null, singleBatch: false);
    }

    public static CommandReply DropIndexes(CommandContext context)
    {
        var which = context.Body.GetValue("index", BsonNull.Value);
        var was = CollectionAccess.Run(context, create: false, collection =>
        {
            if (collection is null)
            {
                throw new CommandException(ErrorCodes.NamespaceNotFound, $"ns not found {context.Namespace}");
            }

            var count = collection.Indexes.Count;
            var targets = new List<CollectionIndex>();
            if (which.IsString && which.AsString == "*")
            {
                targets.AddRange(collection.Indexes.Where(i => i.Definition.Name != "_id_"));
            }
            else
            {
                var names = which switch
                {
                    BsonString s => [s.Value],
                    BsonArray a => a.Select(v => v.AsString).ToList(),
                    BsonDocument key => [collection.Indexes.Find(i => i.Definition.Key.Equals(key))?.Definition.Name
                        ?? throw new CommandException(ErrorCodes.IndexNotFound, $"can't find index with key: {key}")],
                    _ => throw new CommandException(ErrorCodes.TypeMismatch, "index must be a string, an array of strings or a key pattern"),
                };
                foreach (var name in names)
                {
                    if (name == "_id_")
                    {
                        throw new CommandException(ErrorCodes.InvalidOptions, "cannot drop _id index");
                    }

                    targets.Add(collection.FindIndex(name) ?? throw new CommandException(ErrorCodes.IndexNotFound, $"index not found with name [{name}]"));
                }
            }

            foreach (var target in targets)
            {
                collection.DropIndex(target);
            }

            return count;
        });
        context.Wrote = true;
        return new DocumentReply(new BsonDocument("nIndexesWas", was));
    }
}
