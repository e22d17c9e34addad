using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>
/// Plans and runs a query over one collection (the caller holds the collection lock): picks the index with the
/// longest equality prefix (plus one range field) that also gives the requested order when possible, seeks to the
/// bounds and walks in either direction, stopping at skip + limit when no in-memory sort is needed.
/// </summary>
internal static class QueryExecutor
{
    public static List<StoredDocument> Run(Collection collection, Filter filter, SortSpec? sort, int skip, int limit)
    {
        var effectiveSort = sort?.Without(p => filter.Conditions.TryGetValue(p, out var c) && c.Equal is not null && c.Exact && !c.HasRange);
        var plan = Choose(collection, filter, effectiveSort);
        if (plan.BoundFields == 0 && PointScans(collection, filter) is { } scans)
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

    /// <summary>
    /// Several index scans whose union holds every match, instead of a full scan: one point scan per value of an
    /// <c>$in</c> on an index's leading field, or one plan per branch of a top-level <c>$or</c> (when every branch
    /// can use an index). Null when there is no such set.
    /// </summary>
    private static List<QueryPlan>? PointScans(Collection collection, Filter filter)
    {
        foreach (var index in collection.Indexes)
        {
            if ((index.Definition.IsPartial && !Implies(filter, index.Definition))
                || !filter.Conditions.TryGetValue(index.Definition.Fields[0], out var condition) || condition.InValues is null)
            {
                continue;
            }

            var plans = new List<QueryPlan>(condition.InValues.Count);
            foreach (var value in condition.InValues)
            {
                plans.Add(new QueryPlan(index, [value], null, covered: false, providesSort: false, reverse: false));
            }

            return plans;
        }

        if (filter.OrBranches is { } branches)
        {
            var plans = new List<QueryPlan>(branches.Count);
            foreach (var branch in branches)
            {
                var plan = Choose(collection, branch, null);
                if (plan.BoundFields == 0)
                {
                    return null;
                }

                plans.Add(plan);
            }

            return plans;
        }

        return null;
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

    /// <summary>The plan the executor would use (for tests and explain-like diagnostics).</summary>
    public static QueryPlan Choose(Collection collection, Filter filter, SortSpec? sort)
    {
        QueryPlan? best = null;
        foreach (var index in collection.Indexes)
        {
            if (index.Definition.IsPartial && !Implies(filter, index.Definition))
            {
                continue;
            }

            var candidate = Evaluate(index, filter, sort);
            if (best is null || candidate.BoundFields > best.BoundFields
                || (candidate.BoundFields == best.BoundFields && candidate.ProvidesSort && !best.ProvidesSort))
            {
                best = candidate;
            }
        }

        return best!;
    }

    /// <summary>
    /// Whether every document the filter matches is in a partial index: true for a partial filter of
    /// <c>{f: {$exists: true}}</c> conditions when the query has an equality on each such field (the dedupe lookup).
    /// </summary>
    private static bool Implies(Filter filter, Storage.IndexDefinition definition)
    {
        if (definition.Sparse || definition.PartialExistsFields is null)
        {
            return false;
        }

        foreach (var field in definition.PartialFilter!.Fields.Names)
        {
            if (!filter.Conditions.TryGetValue(field, out var condition) || (condition.Equal is null && condition.InValues is null))
            {
                return false;
            }
        }

        return true;
    }

    private static QueryPlan Evaluate(CollectionIndex index, Filter filter, SortSpec? sort)
    {
        var definition = index.Definition;
        var equals = new List<BsonValue>();
        FieldCondition? range = null;
        var exact = filter.AllIndexable && !index.IsMultikey;
        var used = 0;
        for (var i = 0; i < definition.Fields.Length; i++)
        {
            if (!filter.Conditions.TryGetValue(definition.Fields[i], out var condition))
            {
                break;
            }

            if (condition.Equal is not null)
            {
                equals.Add(condition.Equal);
                exact &= condition.Exact && !condition.HasRange;
                used++;
                continue;
            }

            // On a multikey index two bounds may be met by different elements, so only equality is safe there.
            if (condition.HasRange && !index.IsMultikey)
            {
                range = condition;
                exact &= condition.Exact;
                used++;
            }

            break;
        }

        exact &= used == filter.Conditions.Count;

        var providesSort = false;
        var reverse = false;
        if (sort is not null && !index.IsMultikey)
        {
            var first = equals.Count;
            if (first + sort.Count <= definition.Fields.Length)
            {
                providesSort = true;
                for (var i = 0; i < sort.Count; i++)
                {
                    var same = definition.Fields[first + i] == sort.Paths[i];
                    var direction = sort.Directions[i] * definition.Directions[first + i];
                    if (!same || (i == 0 ? false : (direction < 0) != reverse))
                    {
                        providesSort = false;
                        break;
                    }

                    if (i == 0)
                    {
                        reverse = direction < 0;
                    }
                }
            }
        }

        return new QueryPlan(index, [.. equals], range, exact, providesSort, reverse);
    }

    private static IEnumerable<StoredDocument> Scan(QueryPlan plan)
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
