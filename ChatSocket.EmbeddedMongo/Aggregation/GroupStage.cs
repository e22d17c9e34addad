using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Commands;
using ChatSocket.EmbeddedMongo.Query;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Aggregation;

/// <summary>$group with $sum, $avg, $min, $max, $first, $last, $push, $addToSet and $count; groups keep first-seen order.</summary>
internal static class GroupStage
{
    private static readonly HashSet<string> Accumulators = ["$sum", "$avg", "$min", "$max", "$first", "$last", "$push", "$addToSet", "$count"];

    public static List<BsonDocument> Run(List<BsonDocument> input, BsonDocument spec)
    {
        if (!spec.TryGetValue("_id", out var keyExpression))
        {
            throw new CommandException(15955, "a group specification must include an _id");
        }

        var fields = new List<(string Name, string Op, BsonValue Argument)>();
        foreach (var element in spec)
        {
            if (element.Name == "_id")
            {
                continue;
            }

            if (element.Value is not BsonDocument acc || acc.ElementCount != 1)
            {
                throw new CommandException(40234, $"The field '{element.Name}' must be an accumulator object");
            }

            var op = acc.GetElement(0).Name;
            if (!Accumulators.Contains(op))
            {
                throw new CommandException(15952, $"unknown group operator '{op}' (not supported by the embedded engine)");
            }

            fields.Add((element.Name, op, acc[0]));
        }

        var groups = new SortedDictionary<BsonValue, int>(BsonOrder.Instance);
        var keys = new List<BsonValue>();
        var states = new List<BsonValue?[]>();
        var counts = new List<long[]>();
        foreach (var document in input)
        {
            var key = ExpressionEvaluator.Evaluate(keyExpression, document) ?? BsonNull.Value;
            if (!groups.TryGetValue(key, out var slot))
            {
                slot = keys.Count;
                groups.Add(key, slot);
                keys.Add(key);
                states.Add(new BsonValue?[fields.Count]);
                counts.Add(new long[fields.Count]);
            }

            for (var i = 0; i < fields.Count; i++)
            {
                var (_, op, argument) = fields[i];
                var value = op == "$count" ? null : ExpressionEvaluator.Evaluate(argument, document);
                states[slot][i] = Accumulate(op, states[slot][i], value, ref counts[slot][i]);
            }
        }

        var output = new List<BsonDocument>(keys.Count);
        for (var g = 0; g < keys.Count; g++)
        {
            var result = new BsonDocument("_id", keys[g]);
            for (var i = 0; i < fields.Count; i++)
            {
                result.Add(fields[i].Name, Finish(fields[i].Op, states[g][i], counts[g][i]));
            }

            output.Add(result);
        }

        return output;
    }

    private static BsonValue? Accumulate(string op, BsonValue? state, BsonValue? value, ref long count)
    {
        switch (op)
        {
            case "$count":
                count++;
                return state;
            case "$sum":
            case "$avg":
                if (value is { IsNumeric: true })
                {
                    count++;
                    return state is null ? value : Add(state, value);
                }

                return state;
            case "$min":
                return value is null || value.IsBsonNull ? state : state is null || BsonOrder.Instance.Compare(value, state) < 0 ? value : state;
            case "$max":
                return value is null || value.IsBsonNull ? state : state is null || BsonOrder.Instance.Compare(value, state) > 0 ? value : state;
            case "$first":
                count++;
                return count == 1 ? value ?? BsonNull.Value : state;
            case "$last":
                return value ?? BsonNull.Value;
            case "$push":
                {
                    var array = state as BsonArray ?? [];
                    if (value is not null)
                    {
                        array.Add(value);
                    }

                    return array;
                }

            default:
                {
                    var array = state as BsonArray ?? [];
                    if (value is not null && !array.Any(x => BsonOrder.AreEqual(x, value)))
                    {
                        array.Add(value);
                    }

                    return array;
                }
        }
    }

    private static BsonValue Add(BsonValue a, BsonValue b)
    {
        if (a.BsonType is BsonType.Double || b.BsonType is BsonType.Double)
        {
            return a.ToDouble() + b.ToDouble();
        }

        if (a.BsonType is BsonType.Decimal128 || b.BsonType is BsonType.Decimal128)
        {
            return new BsonDecimal128(a.ToDecimal() + b.ToDecimal());
        }

        var sum = (Int128)a.ToInt64() + b.ToInt64();
        return a.BsonType == BsonType.Int32 && b.BsonType == BsonType.Int32 && sum >= int.MinValue && sum <= int.MaxValue
            ? (BsonValue)(int)sum
            : (long)sum;
    }

    private static BsonValue Finish(string op, BsonValue? state, long count) => op switch
    {
        "$count" => count <= int.MaxValue ? (int)count : count,
        "$sum" => state ?? 0,
        "$avg" => state is null || count == 0 ? BsonNull.Value : state.ToDouble() / count,
        "$push" or "$addToSet" => state ?? new BsonArray(),
        _ => state ?? BsonNull.Value,
    };
}
