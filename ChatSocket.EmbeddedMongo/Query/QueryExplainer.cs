using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>
/// Describes the plan <see cref="QueryExecutor"/> would run, in the shape of MongoDB's
/// <c>queryPlanner.winningPlan</c>: <c>COLLSCAN</c> when no index bounds the scan, <c>FETCH</c> over <c>IXSCAN</c>
/// (or an <c>OR</c> of them) when one does, <c>TEXT_MATCH</c> over the text index's scans for <c>$text</c>.
/// </summary>
internal static class QueryExplainer
{
    public static BsonDocument WinningPlan(Collection? collection, Filter filter, BsonDocument? query, SortSpec? sort, int limit)
    {
        if (collection is null)
        {
            return new BsonDocument("stage", "EOF");
        }

        BsonDocument plan;
        var sorted = false;
        if (filter.Text is { } text)
        {
            var index = TextSearch.IndexOf(collection);
            var scans = TextSearch.Plans(index, filter, text).ConvertAll(IndexScan);
            plan = new BsonDocument
            {
                { "stage", "TEXT_MATCH" },
                { "indexPrefix", new BsonDocument() },
                { "indexName", index.Definition.Name },
                { "parsedTextQuery", text.ToExplain() },
                { "textIndexVersion", 3 },
                { "inputStage", Fetch(Union(scans), query) },
            };
        }
        else
        {
            var effectiveSort = sort?.Without(p => filter.Conditions.TryGetValue(p, out var c) && c.Equal is not null && c.Exact && !c.HasRange);
            var chosen = IndexPlanner.Choose(collection, filter, effectiveSort);
            if (chosen.BoundFields == 0 && IndexPlanner.PointScans(collection, filter) is { } points)
            {
                plan = Fetch(Union(points.ConvertAll(IndexScan)), query);
            }
            else if (chosen.BoundFields > 0 || (effectiveSort is not null && chosen.ProvidesSort))
            {
                plan = Fetch(IndexScan(chosen), chosen.Covered ? null : query);
                sorted = chosen.ProvidesSort;
            }
            else
            {
                plan = new BsonDocument { { "stage", "COLLSCAN" }, { "filter", query ?? new BsonDocument() }, { "direction", "forward" } };
            }

            sorted |= effectiveSort is null;
        }

        if (sort is not null && !sorted)
        {
            plan = new BsonDocument { { "stage", "SORT" }, { "limitAmount", limit }, { "inputStage", plan } };
        }
        else if (limit > 0)
        {
            plan = new BsonDocument { { "stage", "LIMIT" }, { "limitAmount", limit }, { "inputStage", plan } };
        }

        return plan;
    }

    private static BsonDocument IndexScan(QueryPlan plan) => new()
    {
        { "stage", "IXSCAN" },
        { "keyPattern", plan.Index.Definition.Key },
        { "indexName", plan.Index.Definition.Name },
        { "isMultiKey", plan.Index.IsMultikey },
        { "direction", plan.Reverse ? "backward" : "forward" },
    };

    private static BsonDocument Union(List<BsonDocument> scans) =>
        scans.Count == 1 ? scans[0] : new BsonDocument { { "stage", "OR" }, { "inputStages", new BsonArray(scans) } };

    private static BsonDocument Fetch(BsonDocument input, BsonDocument? filter)
    {
        var fetch = new BsonDocument("stage", "FETCH");
        if (filter is { ElementCount: > 0 })
        {
            fetch.Add("filter", filter);
        }

        fetch.Add("inputStage", input);
        return fetch;
    }
}
