using System.Text.RegularExpressions;
using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Commands;
using ChatSocket.EmbeddedMongo.Text;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>
/// Compiles a MongoDB query document into a predicate. Supported: implicit and <c>$eq $ne $gt $gte $lt $lte $in
/// $nin $exists $regex $options $not $size $all $elemMatch</c> on dotted paths (matching inside arrays), and
/// <c>$and $or $nor $comment</c> at the top. Anything else is a BadValue error naming the operator.
/// </summary>
internal static class FilterCompiler
{
    public static Filter Compile(BsonDocument? query)
    {
        if (query is null || query.ElementCount == 0)
        {
            return Filter.MatchAll;
        }

        var fields = new List<string>();
        var conditions = new Dictionary<string, FieldCondition>(StringComparer.Ordinal);
        var allIndexable = IndexPlanner.CollectConditions(query, conditions);
        var predicate = CompileDocument(query, fields, topLevel: true, root: true);
        List<Filter>? branches = null;
        if (query.TryGetValue("$or", out var or) && or is BsonArray orArray)
        {
            branches = new List<Filter>(orArray.Count);
            foreach (var branch in orArray)
            {
                branches.Add(Compile(branch.AsBsonDocument));
            }
        }

        var text = query.TryGetValue("$text", out var search) ? TextSearchQuery.Parse(search) : null;
        return new Filter(predicate, new FieldSet(fields), conditions, allIndexable, isEmpty: false) { OrBranches = branches, Text = text };
    }

    private static Func<BsonDocument, bool> CompileDocument(BsonDocument query, List<string> fields, bool topLevel, bool root = false)
    {
        var parts = new List<Func<BsonDocument, bool>>(query.ElementCount);
        foreach (var element in query)
        {
            var name = element.Name;
            if (name.StartsWith('$'))
            {
                switch (name)
                {
                    case "$and":
                        {
                            var subs = CompileList(name, element.Value, fields);
                            parts.Add(d => All(subs, d));
                            break;
                        }

                    case "$or":
                        {
                            var subs = CompileList(name, element.Value, fields);
                            parts.Add(d => Any(subs, d));
                            break;
                        }

                    case "$nor":
                        {
                            var subs = CompileList(name, element.Value, fields);
                            parts.Add(d => !Any(subs, d));
                            break;
                        }

                    case "$comment":
                        break;
                    case "$text" when root:
                        // Answered by the executor with the text index (see Filter.Text).
                        break;
                    case "$text":
                        throw new CommandException(ErrorCodes.BadValue, "$text is supported only at the top level of a filter by the embedded engine");
                    default:
                        throw new CommandException(ErrorCodes.BadValue, $"unknown top level operator: {name}. The embedded engine supports $and, $or, $nor and $comment at the top level.");
                }

                continue;
            }

            if (topLevel)
            {
                fields.Add(FieldSet.TopLevel(name));
            }

            var valuePredicate = CompileCondition(element.Value);
            var segments = PathValues.Split(name);
            parts.Add(d =>
            {
                var values = new List<BsonValue>(2);
                PathValues.Collect(d, segments, values);
                return valuePredicate(values);
            });
        }

        return parts.Count switch
        {
            0 => _ => true,
            1 => parts[0],
            _ => d => All(parts, d),
        };
    }

    private static List<Func<BsonDocument, bool>> CompileList(string op, BsonValue value, List<string> fields)
    {
        if (value is not BsonArray array || array.Count == 0)
        {
            throw new CommandException(ErrorCodes.BadValue, $"{op} must be a nonempty array");
        }

        var result = new List<Func<BsonDocument, bool>>(array.Count);
        foreach (var item in array)
        {
            if (item is not BsonDocument sub)
            {
                throw new CommandException(ErrorCodes.BadValue, $"{op} argument's entries must be objects");
            }

            result.Add(CompileDocument(sub, fields, topLevel: true));
        }

        return result;
    }

    private static bool All(List<Func<BsonDocument, bool>> parts, BsonDocument d)
    {
        foreach (var part in parts)
        {
            if (!part(d))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Any(List<Func<BsonDocument, bool>> parts, BsonDocument d)
    {
        foreach (var part in parts)
        {
            if (part(d))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A predicate over the values a path reached (empty when the path is missing).</summary>
    private static Func<List<BsonValue>, bool> CompileCondition(BsonValue condition)
    {
        if (condition is BsonDocument ops && ops.ElementCount > 0 && ops.GetElement(0).Name.StartsWith('$'))
        {
            return CompileOperators(ops);
        }

        if (condition is BsonRegularExpression regex)
        {
            var re = ValueMatcher.ToRegex(regex.Pattern, regex.Options);
            return values => ValueMatcher.AnyScalarOrElement(values, v => ValueMatcher.RegexMatches(re, v));
        }

        return values => ValueMatcher.EqualsAny(values, condition);
    }

    private static Func<List<BsonValue>, bool> CompileOperators(BsonDocument ops)
    {
        var parts = new List<Func<List<BsonValue>, bool>>(ops.ElementCount);
        var options = ops.TryGetValue("$options", out var o) ? o.AsString : null;
        foreach (var element in ops)
        {
            var v = element.Value;
            switch (element.Name)
            {
                case "$eq":
                    parts.Add(values => ValueMatcher.EqualsAny(values, v));
                    break;
                case "$ne":
                    parts.Add(values => !ValueMatcher.EqualsAny(values, v));
                    break;
                case "$gt":
                    parts.Add(values => ValueMatcher.CompareAny(values, v, c => c > 0));
                    break;
                case "$gte":
                    parts.Add(values => ValueMatcher.CompareAny(values, v, c => c >= 0));
                    break;
                case "$lt":
                    parts.Add(values => ValueMatcher.CompareAny(values, v, c => c < 0));
                    break;
                case "$lte":
                    parts.Add(values => ValueMatcher.CompareAny(values, v, c => c <= 0));
                    break;
                case "$in":
                    {
                        var set = InList(element.Name, v);
                        parts.Add(values => set(values));
                        break;
                    }

                case "$nin":
                    {
                        var set = InList(element.Name, v);
                        parts.Add(values => !set(values));
                        break;
                    }

                case "$exists":
                    {
                        var wanted = v.ToBoolean();
                        parts.Add(values => values.Count > 0 == wanted);
                        break;
                    }

                case "$regex":
                    {
                        var re = v is BsonRegularExpression r
                            ? ValueMatcher.ToRegex(r.Pattern, options ?? r.Options)
                            : ValueMatcher.ToRegex(v.IsString ? v.AsString : throw new CommandException(ErrorCodes.BadValue, "$regex has to be a string"), options ?? string.Empty);
                        parts.Add(values => ValueMatcher.AnyScalarOrElement(values, x => ValueMatcher.RegexMatches(re, x)));
                        break;
                    }

                case "$options":
                    if (!ops.Contains("$regex"))
                    {
                        throw new CommandException(ErrorCodes.BadValue, "$options needs a $regex");
                    }

                    break;
                case "$not":
                    {
                        Func<List<BsonValue>, bool> inner = v switch
                        {
                            BsonRegularExpression => CompileCondition(v),
                            BsonDocument d when d.ElementCount > 0 && d.GetElement(0).Name.StartsWith('$') => CompileOperators(d),
                            _ => throw new CommandException(ErrorCodes.BadValue, "$not needs a regex or a document"),
                        };
                        parts.Add(values => !inner(values));
                        break;
                    }

                case "$size":
                    {
                        var size = v.ToInt32();
                        parts.Add(values => values.Exists(x => x is BsonArray a && a.Count == size));
                        break;
                    }

                case "$all":
                    {
                        if (v is not BsonArray wanted)
                        {
                            throw new CommandException(ErrorCodes.BadValue, "$all needs an array");
                        }

                        parts.Add(values => wanted.Count > 0 && wanted.All(w => ValueMatcher.EqualsAny(values, w)));
                        break;
                    }

                case "$elemMatch":
                    {
                        if (v is not BsonDocument spec)
                        {
                            throw new CommandException(ErrorCodes.BadValue, "$elemMatch needs an Object");
                        }

                        var isOperator = spec.ElementCount > 0 && spec.GetElement(0).Name.StartsWith('$')
                            && spec.GetElement(0).Name is not ("$and" or "$or" or "$nor");
                        if (isOperator)
                        {
                            var inner = CompileOperators(spec);
                            parts.Add(values => values.Exists(x => x is BsonArray a && a.Any(e => inner([e]))));
                        }
                        else
                        {
                            var inner = CompileDocument(spec, [], topLevel: false);
                            parts.Add(values => values.Exists(x => x is BsonArray a && a.Any(e => e is BsonDocument d && inner(d))));
                        }

                        break;
                    }

                default:
                    throw new CommandException(ErrorCodes.BadValue, $"unknown operator: {element.Name}");
            }
        }

        return parts.Count == 1 ? parts[0] : values =>
        {
            foreach (var part in parts)
            {
                if (!part(values))
                {
                    return false;
                }
            }

            return true;
        };
    }

    private static Func<List<BsonValue>, bool> InList(string op, BsonValue list)
    {
        if (list is not BsonArray array)
        {
            throw new CommandException(ErrorCodes.BadValue, $"{op} needs an array");
        }

        var regexes = new List<Regex>();
        var plain = new List<BsonValue>();
        foreach (var item in array)
        {
            if (item is BsonRegularExpression r)
            {
                regexes.Add(ValueMatcher.ToRegex(r.Pattern, r.Options));
            }
            else if (item is BsonDocument d && d.ElementCount > 0 && d.GetElement(0).Name.StartsWith('$'))
            {
                throw new CommandException(ErrorCodes.BadValue, "cannot nest $ under $in");
            }
            else
            {
                plain.Add(item);
            }
        }

        // Long lists (e.g. $in over many ids) are looked up in a sorted set instead of compared one by one.
        var lookup = plain.Count > 8 && !plain.Exists(p => p.IsBsonNull || p.IsBsonArray)
            ? new SortedSet<BsonValue>(plain, BsonOrder.Instance)
            : null;
        return values =>
        {
            if (lookup is not null)
            {
                foreach (var value in values)
                {
                    if (lookup.Contains(value) || (value is BsonArray array && array.Any(lookup.Contains)))
                    {
                        return true;
                    }
                }
            }
            else
            {
                foreach (var p in plain)
                {
                    if (ValueMatcher.EqualsAny(values, p))
                    {
                        return true;
                    }
                }
            }

            foreach (var re in regexes)
            {
                if (ValueMatcher.AnyScalarOrElement(values, x => ValueMatcher.RegexMatches(re, x)))
                {
                    return true;
                }
            }

            return false;
        };
    }
}
