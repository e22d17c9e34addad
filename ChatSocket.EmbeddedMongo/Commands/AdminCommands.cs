using ChatSocket.EmbeddedMongo.Query;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>Handshake, server information and catalog commands.</summary>
internal static class AdminCommands
{
    public const int MaxBsonObjectSize = 16 * 1024 * 1024;
    public const int MaxMessageSizeBytes = 48_000_000;
    public const int MaxWriteBatchSize = 100_000;

    /// <summary>
    /// hello / isMaster. A standalone server: no setName/hosts (that would make the driver send txnNumber), no
    /// topologyVersion (that would make it stream heartbeats), and never echoing compression.
    /// </summary>
    public static BsonDocument Hello(bool legacyName, int connectionId) => new()
    {
        { "helloOk", true },
        { legacyName ? "ismaster" : "isWritablePrimary", true },
        { "maxBsonObjectSize", MaxBsonObjectSize },
        { "maxMessageSizeBytes", MaxMessageSizeBytes },
        { "maxWriteBatchSize", MaxWriteBatchSize },
        { "localTime", new BsonDateTime(DateTime.UtcNow) },
        { "logicalSessionTimeoutMinutes", 30 },
        { "connectionId", connectionId },
        { "minWireVersion", 0 },
        { "maxWireVersion", 21 },
        { "readOnly", false },
        { "ok", 1.0 },
    };

    public static CommandReply BuildInfo() => new DocumentReply(new BsonDocument
    {
        { "version", "7.0.0" },
        { "gitVersion", "chatsocket-embedded" },
        { "versionArray", new BsonArray { 7, 0, 0, 0 } },
        { "bits", 64 },
        { "debug", false },
        { "maxBsonObjectSize", MaxBsonObjectSize },
        { "storageEngines", new BsonArray { "chatsocket-embedded" } },
        { "ok", 1.0 },
    });

    public static CommandReply GetParameter(CommandContext context)
    {
        var reply = new BsonDocument();
        var all = context.Body[0].IsString && context.Body[0].AsString == "*";
        if (all || context.Body.Contains("featureCompatibilityVersion"))
        {
            reply.Add("featureCompatibilityVersion", new BsonDocument("version", "7.0"));
        }

        if (all || context.Body.Contains("authenticationMechanisms"))
        {
            reply.Add("authenticationMechanisms", new BsonArray());
        }

        reply.Add("ok", 1.0);
        return new DocumentReply(reply);
    }

    public static CommandReply ListDatabases(CommandContext context)
    {
        var filter = FilterCompiler.Compile(context.GetDocument("filter"));
        var nameOnly = context.GetBool("nameOnly", false);
        var databases = new BsonArray();
        double total = 0;
        foreach (var name in context.Storage.DatabaseNames())
        {
            double size = 0;
            foreach (var collection in context.Storage.CollectionsOf(name))
            {
                lock (collection.Sync)
                {
                    size += collection.DataSize;
                }
            }

            var entry = nameOnly ? new BsonDocument("name", name) : new BsonDocument { { "name", name }, { "sizeOnDisk", size }, { "empty", size == 0 } };
            if (filter.Matches(entry))
            {
                databases.Add(entry);
                total += size;
            }
        }

        var reply = new BsonDocument("databases", databases);
        if (!nameOnly)
        {
            reply.Add("totalSize", total);
            reply.Add("totalSizeMb", (long)(total / (1024 * 1024)));
        }

        return new DocumentReply(reply);
    }

    public static CommandReply ListCollections(CommandContext context)
    {
        var filter = FilterCompiler.Compile(context.GetDocument("filter"));
        var nameOnly = context.GetBool("nameOnly", false);
        var documents = new List<byte[]>();
        foreach (var collection in context.Storage.CollectionsOf(context.Database))
        {
            var entry = nameOnly
                ? new BsonDocument { { "name", collection.Name }, { "type", "collection" } }
                : new BsonDocument
                {
                    { "name", collection.Name },
                    { "type", "collection" },
                    { "options", new BsonDocument() },
                    { "info", new BsonDocument("readOnly", false) },
                    { "idIndex", new BsonDocument { { "v", 2 }, { "key", new BsonDocument("_id", 1) }, { "name", "_id_" } } },
                };
            if (filter.Matches(entry))
            {
                documents.Add(entry.ToBson());
            }
        }

        var batchSize = context.GetDocument("cursor")?.GetValue("batchSize", BsonNull.Value);
        return CursorBatches.First(context, context.Database + ".$cmd.listCollections", documents, batchSize is { IsNumeric: true } ? batchSize.ToInt32() : null, singleBatch: false);
    }

    public static CommandReply Create(CommandContext context)
    {
        var name = context.CollectionName;
        foreach (var option in new[] { "capped", "timeseries", "viewOn", "validator", "clusteredIndex", "changeStreamPreAndPostImages", "collation" })
        {
            if (context.Body.Contains(option))
            {
                throw new CommandException(ErrorCodes.BadValue, $"create option '{option}' is not supported by the embedded engine");
            }
        }

        context.Storage.GetOrCreate(context.Database, name, out var created);
        if (!created)
        {
            throw new CommandException(ErrorCodes.NamespaceExists, $"Collection {context.Database}.{name} already exists.");
        }

        context.Wrote = true;
        return new DocumentReply([]);
    }

    public static CommandReply Drop(CommandContext context)
    {
        var dropped = context.Storage.Drop(context.Database, context.CollectionName)
            ?? throw new CommandException(ErrorCodes.NamespaceNotFound, "ns not found");
        context.Wrote = true;
        return new DocumentReply(new BsonDocument { { "nIndexesWas", dropped.Indexes.Count }, { "ns", dropped.Namespace } });
    }

    public static CommandReply DropDatabase(CommandContext context)
    {
        context.Storage.DropDatabase(context.Database);
        context.Wrote = true;
        return new DocumentReply(new BsonDocument("dropped", context.Database));
    }
}
