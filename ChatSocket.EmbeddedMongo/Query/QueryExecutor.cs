using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Storage;
using ChatSocket.EmbeddedMongo.Text;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>
/// Runs a query over one collection (the caller holds the collection lock) with the plan <see cref="IndexPlanner"/>
/// picks: seeks to the bounds and walks in either direction, stopping at skip + limit when no in-memory sort is
/// needed.
/// </summary>
internal static class QueryExecutor
{
    /// <summary>Runs the query; for a <c>$text</c> query, <paramref name="scores"/> (when given) receives each result's score by record id.</summary>
    public static List<StoredDocument> Run(Collection collection, Filter filter, SortSpec? sort, int skip, int limit, Dictionary<long, double>? scores = null)
    {
        if (filter.Text is { } text)
        {
            return RunText(collection, filter, text, sort, skip, limit, scores);
        }

        var effectiveSort = sort?.Without(p => filter.Conditions.TryGetValue(p, out var c) && c.Equal is not null && c.Exact && !c.HasRange);
        var plan = IndexPlanner.Choose(collection, filter, effectiveSort);
        if (plan.BoundFields == 0 && IndexPlanner.PointScans(collection, filter) is { } scans)
        {
            return RunUnion(scans, filter, effectiveSort, skip, limit);
        }

        var wanted = limit > 0 ? skip + limit : int.MaxValue;
        var results = new List<StoredDocument>(Math.Min(wanted, 1024));
        var seen = plan.Index.IsMultikey ? new HashSet<long>() : null;
        var stopEarly = effectiveSort is null || plan.ProvidesSort;
        foreach (var document in Scan(plan))
        {
            if (seen is not null && !seen.Add(document.RecordId))
            {
                continue;
            }

            if (!plan.Covered && !filter.Matches(document.Bytes))
            {
                continue;
            }

            results.Add(document);
            if (stopEarly && results.Count >= wanted)
            {
                break;
            }
        }

        if (!stopEarly)
        {
            var fields = effectiveSort!.Fields;
            results = effectiveSort.Sort(results, d => RawBson.Extract(d.Bytes, fields));
        }

        if (skip > 0)
        {
            results.RemoveRange(0, Math.Min(skip, results.Count));
        }

        if (limit > 0 && results.Count > limit)
        {
            results.RemoveRange(limit, results.Count - limit);
        }

        return results;
    }

    private static List<StoredDocument> RunText(Collection collection, Filter filter, TextSearchQuery text, SortSpec? sort, int skip, int limit, Dictionary<long, double>? scores)
    {
        var scored = TextSearch.Run(collection, filter, text);
        if (sort is not null)
        {
            var fields = sort.Fields;
            scored = sort.Sort(scored, s => TextSearch.SortView(s.Document, fields, s.Score));
        }

        var start = Math.Min(skip, scored.Count);
        var count = limit > 0 ? Math.Min(limit, scored.Count - start) : scored.Count - start;
        var results = new List<StoredDocument>(count);
        foreach (var (document, score) in scored.GetRange(start, count))
        {
            results.Add(document);
            scores?.Add(document.RecordId, score);
        }

        return results;
    }

    private static List<StoredDocument> RunUnion(List<QueryPlan> plans, Filter filter, SortSpec? sort, int skip, int limit)
    {
        var seen = new HashSet<long>();
        var results = new List<StoredDocument>();
        foreach (var plan in plans)
        {
            foreach (var document in Scan(plan))
            {
                if (seen.Add(document.RecordId) && filter.Matches(document.Bytes))
                {
                    results.Add(document);
                }
            }
        }

        if (sort is not null)
        {
            var fields = sort.Fields;
            results = sort.Sort(results, d => RawBson.Extract(d.Bytes, fields));
        }

        var start = Math.Min(skip, results.Count);
        var count = limit > 0 ? Math.Min(limit, results.Count - start) : results.Count - start;
        return results.GetRange(start, count);
    }

    public static IEnumerable<StoredDocument> Scan(QueryPlan plan)
    {
        // A text index's plans are one term under equal prefix values each: a posting list, not a tree range.
        if (plan.Index.Postings is { } postings)
        {
            return postings.Documents([.. plan.EqualValues]);
        }

        return ScanTree(plan);
    }

    private static IEnumerable<StoredDocument> ScanTree(QueryPlan plan)
    {
        var tree = plan.Index.Tree;
        var forward = !plan.Reverse;
        var position = forward ? tree.SeekFirst(plan.IsBefore) : tree.SeekLast(plan.IsAfter);
        while (position.IsValid)
        {
            var entry = position.Item;
            if (forward ? plan.IsAfter(entry) : plan.IsBefore(entry))
            {
                yield break;
            }

            yield return entry.Document;
            position = OrderedTree<IndexEntry>.Step(position, forward);
        }
    }
}
