using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Commands;
using ChatSocket.EmbeddedMongo.Storage;
using ChatSocket.EmbeddedMongo.Text;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>
/// Runs a filter with <c>$text</c>: one index scan per positive term (under the equality prefix of a compound text
/// index), then the rest of the filter, MongoDB's match rule and the score on each candidate.
/// </summary>
internal static class TextSearch
{
    /// <summary>Where a query's text score travels with a parsed document (a name no stored field can have).</summary>
    public const string ScoreField = "$textScore";

    /// <summary>The collection's text index; MongoDB's error 27 when there is none.</summary>
    public static CollectionIndex IndexOf(Collection collection) =>
        collection.Indexes.Find(i => i.Definition.IsText)
        ?? throw new CommandException(ErrorCodes.IndexNotFound, "text index required for $text query");

    /// <summary>The scans for a text query: the equality values of the index prefix, then each term.</summary>
    public static List<QueryPlan> Plans(CollectionIndex index, Filter filter, TextSearchQuery text)
    {
        var definition = index.Definition;
        var prefix = new BsonValue[definition.TextPrefixCount];
        for (var i = 0; i < prefix.Length; i++)
        {
            if (!filter.Conditions.TryGetValue(definition.Fields[i], out var condition) || condition.Equal is null)
            {
                // MongoDB's planner refuses the same query (NoQueryExecutionPlans).
                throw new CommandException(291, "error processing query: planner returned error :: caused by :: failed to use text index to satisfy $text query (if text index is compound, are equality predicates given for all prefix fields?)");
            }

            prefix[i] = condition.Equal;
        }

        var plans = new List<QueryPlan>(text.Terms.Count);
        foreach (var term in text.Terms)
        {
            plans.Add(new QueryPlan(index, [.. prefix, term], null, covered: false, providesSort: false, reverse: false));
        }

        return plans;
    }

    /// <summary>Every document the filter matches, with its score, in no particular order.</summary>
    public static List<(StoredDocument Document, double Score)> Run(Collection collection, Filter filter, TextSearchQuery text)
    {
        var index = IndexOf(collection);
        var seen = new HashSet<long>();
        var results = new List<(StoredDocument, double)>();
        foreach (var plan in Plans(index, filter, text))
        {
            foreach (var document in QueryExecutor.Scan(plan))
            {
                if (!seen.Add(document.RecordId) || !filter.Matches(document.Bytes))
                {
                    continue;
                }

                var words = TextDocument.Read(document.Bytes, index.Definition);
                if (words.Matches(text))
                {
                    results.Add((document, words.Score(text)));
                }
            }
        }

        return results;
    }

    /// <summary>A document's sort view with its score, for sorts on <c>{$meta: "textScore"}</c>.</summary>
    public static BsonDocument SortView(StoredDocument document, FieldSet fields, double score)
    {
        var view = RawBson.Extract(document.Bytes, fields);
        view[ScoreField] = score;
        return view;
    }
}
