using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Commands;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>
/// Evaluates the aggregation expressions that projections and $group use: field paths (<c>"$a.b"</c>,
/// <c>"$$ROOT"</c>), literals and a small operator set. Other operators are an InvalidPipelineOperator error.
/// </summary>
internal static class ExpressionEvaluator
{
    public static BsonValue? Evaluate(BsonValue expression, BsonDocument root)
    {
        switch (expression)
        {
            case BsonString s when s.Value.StartsWith("$$", StringComparison.Ordinal):
                return s.Value switch
                {
                    "$$ROOT" or "$$CURRENT" => root,
                    _ when s.Value.StartsWith("$$ROOT.", StringComparison.Ordinal) => Path(root, s.Value[7..]),
                    _ => throw new CommandException(ErrorCodes.InvalidPipelineOperator, $"Use of undefined variable: {s.Value[2..]}"),
                };
            case BsonString s when s.Value.StartsWith('$'):
                return Path(root, s.Value[1..]);
            case BsonArray array:
                {
                    var result = new BsonArray(array.Count);
                    foreach (var item in array)
                    {
                        result.Add(Evaluate(item, root) ?? BsonNull.Value);
                    }

                    return result;
                }

            case BsonDocument doc when doc.ElementCount == 1 && doc.GetElement(0).Name.StartsWith('$'):
                return Operator(doc.GetElement(0).Name, doc[0], root);
            case BsonDocument doc:
                {
                    var result = new BsonDocument();
                    foreach (var element in doc)
                    {
                        if (Evaluate(element.Value, root) is { } value)
                        {
                            result.Add(element.Name, value);
                        }
                    }

                    return result;
                }

            default:
                return expression;
        }
    }

    /// <summary>A field path value; arrays along the way map over their elements, as aggregation does.</summary>
    public static BsonValue? Path(BsonDocument root, string path)
    {
        BsonValue current = root;
        foreach (var segment in path.Split('.'))
        {
            switch (current)
            {
                case BsonDocument d:
                    if (!d.TryGetValue(segment, out current!))
                    {
                        return null;
                    }

                    break;
                case BsonArray a:
                    {
                        var mapped = new BsonArray();
                        foreach (var element in a)
                        {
                            if (element is BsonDocument ed && ed.TryGetValue(segment, out var v))
                            {
                                mapped.Add(v);
                            }
                        }

                        current = mapped;
                        break;
                    }

                default:
                    return null;
            }
        }

        return current;
    }

    private static BsonValue Operator(string name, BsonValue argument, BsonDocument root)
    {
        if (name == "$literal")
        {
            return argument;
        }

        if (name == "$meta")
        {
            return argument == "textScore" && root.TryGetValue(TextSearch.ScoreField, out var score)
                ? score
                : throw new CommandException(40218, $"query requires {argument} metadata, but it is not available");
        }

        if (DateExpressions.TryEvaluate(name, argument, root, out var date))
        {
            return date;
        }

        var args = argument is BsonArray a ? a.Select(x => Evaluate(x, root) ?? BsonNull.Value).ToList() : [Evaluate(argument, root) ?? BsonNull.Value];
        return name switch
        {
            "$concat" => args.Exists(x => x.IsBsonNull) ? BsonNull.Value : new BsonString(string.Concat(args.Select(x => x.AsString))),
            "$toLower" => args[0].IsBsonNull ? new BsonString(string.Empty) : new BsonString(args[0].ToString()!.ToLowerInvariant()),
            "$toUpper" => args[0].IsBsonNull ? new BsonString(string.Empty) : new BsonString(args[0].ToString()!.ToUpperInvariant()),
            "$add" => Arithmetic(args, (x, y) => x + y),
            "$subtract" => Arithmetic(args, (x, y) => x - y),
            "$multiply" => Arithmetic(args, (x, y) => x * y),
            "$divide" => args.Exists(x => x.IsBsonNull) ? BsonNull.Value : new BsonDouble(args[0].ToDouble() / args[1].ToDouble()),
            "$eq" => BsonOrder.Instance.Compare(args[0], args[1]) == 0,
            "$ne" => BsonOrder.Instance.Compare(args[0], args[1]) != 0,
            "$gt" => BsonOrder.Instance.Compare(args[0], args[1]) > 0,
            "$gte" => BsonOrder.Instance.Compare(args[0], args[1]) >= 0,
            "$lt" => BsonOrder.Instance.Compare(args[0], args[1]) < 0,
            "$lte" => BsonOrder.Instance.Compare(args[0], args[1]) <= 0,
            "$cmp" => BsonOrder.Instance.Compare(args[0], args[1]),
            "$and" => args.TrueForAll(Truthy),
            "$or" => args.Exists(Truthy),
            "$not" => !Truthy(args[0]),
            "$cond" => Truthy(args[0]) ? args[1] : args[2],
            "$ifNull" => args.Find(x => !x.IsBsonNull && !x.IsBsonUndefined) ?? BsonNull.Value,
            "$size" => args[0] is BsonArray arr ? arr.Count : throw new CommandException(17124, "The argument to $size must be an array"),
            "$arrayElemAt" => args[0] is BsonArray arr && args[1].ToInt32() < arr.Count ? arr[args[1].ToInt32() < 0 ? arr.Count + args[1].ToInt32() : args[1].ToInt32()] : BsonNull.Value,
            _ => throw new CommandException(ErrorCodes.InvalidPipelineOperator, $"Unrecognized expression '{name}' (not supported by the embedded engine)"),
        };
    }

    private static BsonValue Arithmetic(List<BsonValue> args, Func<decimal, decimal, decimal> op)
    {
        if (args.Exists(x => x.IsBsonNull))
        {
            return BsonNull.Value;
        }

        if (args.TrueForAll(x => x.BsonType is BsonType.Int32 or BsonType.Int64))
        {
            var total = (decimal)args[0].ToInt64();
            for (var i = 1; i < args.Count; i++)
            {
                total = op(total, args[i].ToInt64());
            }

            return args.TrueForAll(x => x.BsonType == BsonType.Int32) && total is >= int.MinValue and <= int.MaxValue
                ? new BsonInt32((int)total)
                : new BsonInt64((long)total);
        }

        var result = args[0].ToDouble();
        for (var i = 1; i < args.Count; i++)
        {
            result = (double)op((decimal)result, (decimal)args[i].ToDouble());
        }

        return new BsonDouble(result);
    }

    public static bool Truthy(BsonValue value) => value.BsonType switch
    {
        BsonType.Null or BsonType.Undefined => false,
        BsonType.Boolean => value.AsBoolean,
        BsonType.Int32 or BsonType.Int64 or BsonType.Double or BsonType.Decimal128 => value.ToDouble() != 0,
        _ => true,
    };
}
