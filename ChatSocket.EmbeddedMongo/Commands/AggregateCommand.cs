using ChatSocket.EmbeddedMongo.Aggregation;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>aggregate on a collection, answered with a cursor.</summary>
internal static class AggregateCommand
{
    public static CommandReply Run(CommandContext context)
    {
        if (!context.Body[0].IsString)
        {
            throw new CommandException(ErrorCodes.BadValue, "collection-less aggregate ({aggregate: 1}) is not supported by the embedded engine");
        }

        if (context.Body.GetValue("pipeline", BsonNull.Value) is not BsonArray pipeline)
        {
            throw new CommandException(ErrorCodes.TypeMismatch, "'pipeline' option must be specified as an array");
        }

        if (context.GetBool("explain", false))
        {
            return ExplainCommand.Explain(context, context.Body);
        }

        var cursorOptions = context.GetDocument("cursor") ?? throw new CommandException(ErrorCodes.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
        var documents = CollectionAccess.Run(context, create: false, collection => PipelineRunner.Run(collection, pipeline));
        var bytes = documents.ConvertAll(d => d.ToBson());
        var batchSize = cursorOptions.GetValue("batchSize", BsonNull.Value);
        return CursorBatches.First(context, context.Namespace, bytes, batchSize.IsNumeric ? batchSize.ToInt32() : null, singleBatch: false);
    }
}
