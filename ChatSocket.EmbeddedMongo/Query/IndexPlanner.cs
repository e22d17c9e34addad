using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>
/// Decides how a filter uses the collection's indexes: extracts the bounds a filter's top-level conjuncts give
/// (<see cref="CollectConditions"/>, at compile time), then picks an index scan or a union of point scans for them.
/// </summary>
internal static class IndexPlanner
{
    /// <summary>Extracts index-usable conditions from the top-level conjuncts; false if some conjunct is not one.</summary>
    public static bool CollectConditions(BsonDocument query, Dictionary<string, FieldCondition> conditions)
    {
        var all = true;
        foreach (var element in query)
        {
            if (element.Name == "$and" && element.Value is BsonArray and)
            {
                foreach (var sub in and)
                {
                    all &= sub is BsonDocument d && CollectConditions(d, conditions);
                }

                continue;
            }

            if (element.Name == "$comment")
            {
                continue;
            }

            if (element.Name.StartsWith('$'))
            {
                all = false;
                continue;
            }

            if (!conditions.TryGetValue(element.Name, out var condition))
            {
                condition = new FieldCondition(element.Name);
                conditions[element.Name] = condition;
            }

            all &= AddCondition(condition, element.Value);
        }

        return all;
    }

    private static bool AddCondition(FieldCondition condition, BsonValue value)
    {
        if (value is BsonDocument ops && ops.ElementCount > 0 && ops.GetElement(0).Name.StartsWith('$'))
        {
            foreach (var op in ops)
            {
                var v = op.Value;
                switch (op.Name)
                {
                    case "$eq":
                        SetEqual(condition, v);
                        break;
                    case "$gt" or "$gte" when FieldCondition.IsBoundable(v) && (condition.Upper is null || condition.RangeRank == BsonOrder.Rank(v)):
                        if (condition.Lower is null || BsonOrder.Instance.Compare(v, condition.Lower) > 0)
                        {
                            condition.Lower = v;
                            condition.LowerInclusive = op.Name == "$gte";
                        }
                        else
                        {
                            condition.Exact = false;
                        }

                        break;
                    case "$lt" or "$lte" when FieldCondition.IsBoundable(v) && (condition.Lower is null || condition.RangeRank == BsonOrder.Rank(v)):
                        if (condition.Upper is null || BsonOrder.Instance.Compare(v, condition.Upper) < 0)
                        {
                            condition.Upper = v;
                            condition.UpperInclusive = op.Name == "$lte";
                        }
                        else
                        {
                            condition.Exact = false;
                        }

                        break;
                    case "$exists" when v.ToBoolean():
                        // Not a bound, but it lets a partial index on {path: {$exists: true}} answer (MongoDB's too).
                        condition.MustExist = true;
                        condition.Exact = false;
                        break;
                    case "$in" when v is BsonArray list && list.Count > 0 && list.All(FieldCondition.IsBoundable):
                        // Usable for point scans, but the filter is still re-checked on each document.
                        condition.InValues = [.. list];
                        condition.Exact = false;
                        break;
                    default:
                        condition.Exact = false;
                        break;
                }
            }

            return condition.Exact;
        }

        SetEqual(condition, value);
        return condition.Exact;
    }

    private static void SetEqual(FieldCondition condition, BsonValue value)
    {
        if (condition.Equal is null && FieldCondition.IsBoundable(value))
        {
            condition.Equal = value;
        }
        else
        {
            condition.Exact = false;
        }
    }

    /// <summary>
    /// Several index scans whose union holds every match, instead of a full scan: one point scan per value of an
    /// <c>$in</c> on an index's leading field, or one plan per branch of a top-level <c>$or</c> (when every branch
    /// can use an index). Null when there is no such set.
    /// </summary>
    public static List<QueryPlan>? PointScans(Collection collection, Filter filter)
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

    /// <summary>The single index scan for a filter: the longest equality prefix (plus one range field), then the one that gives the requested order.</summary>
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
    /// <c>{f: {$exists: true}}</c> conditions when the query has an equality on each such field (the dedupe lookup) or
    /// requires it to exist (a sender's keys).
    /// </summary>
    private static bool Implies(Filter filter, IndexDefinition definition)
    {
        if (definition.Sparse || definition.PartialExistsFields is null)
        {
            return false;
        }

        foreach (var field in definition.PartialFilter!.Fields.Names)
        {
            if (!filter.Conditions.TryGetValue(field, out var condition) || (condition.Equal is null && condition.InValues is null && !condition.MustExist))
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
}
