using ChatSocket.EmbeddedMongo.Query;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>
/// <c>explain</c> of a <c>find</c> or an <c>aggregate</c> (whose leading $match/$sort/$limit is the query): only
/// <c>queryPlanner</c>, so a test can see whether an index or a collection scan answers a query. Nothing runs.
/// </summary>
internal static class ExplainCommand
{
    public static CommandReply Run(CommandContext context)
    {
        if (context.Body[0] is not BsonDocument inner || inner.ElementCount == 0)
        {
            throw new CommandException(ErrorCodes.BadValue, "explain command requires a nested object");
        }

        return Explain(context, inner);
    }

    /// <summary>The explain reply for <paramref name="command"/> (also used by <c>aggregate</c> with <c>explain: true</c>).</summary>
    public static CommandReply Explain(CommandContext context, BsonDocument command)
    {
        var verb = command.GetElement(0).Name;
        var collectionName = command[0].IsString ? command[0].AsString : throw new CommandException(ErrorCodes.BadValue, "explain needs a collection name");
        BsonDocument? query;
        BsonValue sort;
        int limit;
        switch (verb)
        {
            case "find":
                query = command.GetValue("filter", new BsonDocument()).AsBsonDocument;
                sort = command.GetValue("sort", BsonNull.Value);
                limit = command.GetValue("limit", 0).ToInt32();
                break;
            case "aggregate":
                {
                    var stages = command.GetValue("pipeline", new BsonArray()).AsBsonArray.Select(s => s.AsBsonDocument).ToList();
                    var next = 0;
                    query = next < stages.Count && stages[next].Contains("$match") ? stages[next++]["$match"].AsBsonDocument : new BsonDocument();
                    sort = next < stages.Count && stages[next].Contains("$sort") ? stages[next++]["$sort"] : BsonNull.Value;
                    limit = next < stages.Count && stages[next].Contains("$limit") ? stages[next]["$limit"].ToInt32() : 0;
                    break;
                }

            default:
                throw new CommandException(ErrorCodes.BadValue, $"explain of '{verb}' is not supported by the embedded engine (find and aggregate are)");
        }

        var filter = FilterCompiler.Compile(query);
        var sortSpec = SortSpec.Parse(sort);
        var ns = context.Database + "." + collectionName;
        var explainContext = new CommandContext(verb, context.Database, command, context.Sequences, context.Storage, context.Cursors, context.ConnectionId);
        var winningPlan = CollectionAccess.Run(explainContext, create: false, collection => QueryExplainer.WinningPlan(collection, filter, query, sortSpec, Math.Abs(limit)));
        return new DocumentReply(new BsonDocument
        {
            {
                "queryPlanner", new BsonDocument
                {
                    { "namespace", ns },
                    { "parsedQuery", query },
                    { "winningPlan", winningPlan },
                    { "rejectedPlans", new BsonArray() },
                }
            },
            { "command", command },
            { "serverInfo", new BsonDocument { { "host", "127.0.0.1" }, { "version", "7.0.0" } } },
        });
    }
}
