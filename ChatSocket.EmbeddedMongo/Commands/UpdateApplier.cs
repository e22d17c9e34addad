using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Query;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Commands;

/// <summary>
/// Applies update documents: operators <c>$set $unset $inc $mul $min $max $setOnInsert $push</c> or a whole
/// replacement, and builds the document an upsert inserts.
/// </summary>
internal static class UpdateApplier
{
    public static bool IsOperatorUpdate(BsonDocument update) =>
        update.ElementCount > 0 && update.GetElement(0).Name.StartsWith('$');

    /// <summary>Returns the updated copy of <paramref name="original"/>.</summary>
    public static BsonDocument Apply(BsonDocument original, BsonValue update, bool isInsert)
    {
        if (update is BsonArray)
        {
            throw new CommandException(ErrorCodes.BadValue, "pipeline-style updates are not supported by the embedded engine");
        }

        var spec = update as BsonDocument ?? throw new CommandException(ErrorCodes.FailedToParse, "update must be an object");
        if (!IsOperatorUpdate(spec))
        {
            return Replace(original, spec);
        }

        var result = original.DeepClone().AsBsonDocument;
        foreach (var op in spec)
        {
            if (op.Value is not BsonDocument fields)
            {
                throw new CommandException(ErrorCodes.FailedToParse, $"Modifiers operate on fields but we found type {op.Value.BsonType} instead. For example: {{$mod: {{<field>: ...}}}} not {{{op.Name}: {op.Value}}}");
            }

            foreach (var field in fields)
            {
                var segments = PathValues.Split(field.Name);
                if (segments[0] == "_id" && op.Name != "$setOnInsert" && !(isInsert && op.Name == "$set"))
                {
                    var current = PathValues.GetExact(original, segments);
                    if (op.Name != "$set" || current is null || !BsonOrder.AreEqual(current, field.Value))
                    {
                        throw new CommandException(ErrorCodes.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
                    }
                }

                ApplyOne(result, op.Name, segments, field.Value, isInsert);
            }
        }

        return result;
    }

    private static void ApplyOne(BsonDocument target, string op, string[] path, BsonValue value, bool isInsert)
    {
        var current = PathValues.GetExact(target, path);
        switch (op)
        {
            case "$set":
                Projection.SetPath(target, path, value);
                break;
            case "$setOnInsert":
                if (isInsert)
                {
                    Projection.SetPath(target, path, value);
                }

                break;
            case "$unset":
                Projection.RemovePath(target, path);
                break;
            case "$inc":
            case "$mul":
                {
                    if (!value.IsNumeric)
                    {
                        throw new CommandException(ErrorCodes.TypeMismatch, $"Cannot {(op == "$inc" ? "increment" : "multiply")} with non-numeric argument: {{{string.Join('.', path)}: {value}}}");
                    }

                    if (current is not null && !current.IsNumeric)
                    {
                        throw new CommandException(ErrorCodes.TypeMismatch, $"Cannot apply {op} to a value of non-numeric type. {{_id: {target.GetValue("_id", BsonNull.Value)}}} has the field '{path[^1]}' of non-numeric type {TypeName(current)}");
                    }

                    var start = current ?? (op == "$inc" ? new BsonInt32(0) : new BsonInt32(0));
                    Projection.SetPath(target, path, Arithmetic(start, value, op == "$inc"));
                    break;
                }

            case "$min":
                if (current is null || BsonOrder.Instance.Compare(value, current) < 0)
                {
                    Projection.SetPath(target, path, value);
                }

                break;
            case "$max":
                if (current is null || BsonOrder.Instance.Compare(value, current) > 0)
                {
                    Projection.SetPath(target, path, value);
                }

                break;
            case "$push":
                {
                    var array = current switch
                    {
                        null => new BsonArray(),
                        BsonArray a => a,
                        _ => throw new CommandException(ErrorCodes.BadValue, $"The field '{string.Join('.', path)}' must be an array but is of type {TypeName(current)}"),
                    };
                    if (value is BsonDocument each && each.Contains("$each"))
                    {
                        if (each.ElementCount > 1)
                        {
                            throw new CommandException(ErrorCodes.BadValue, "$push modifiers other than $each are not supported by the embedded engine");
                        }

                        array.AddRange(each["$each"].AsBsonArray);
                    }
                    else
                    {
                        array.Add(value);
                    }

                    Projection.SetPath(target, path, array);
                    break;
                }

            default:
                throw new CommandException(ErrorCodes.FailedToParse, $"Unknown modifier: {op}. Expected a valid update modifier or pipeline-style update specified as an array");
        }
    }

    private static string TypeName(BsonValue value) => value.BsonType switch
    {
        BsonType.String => "string",
        BsonType.Document => "object",
        BsonType.Array => "array",
        BsonType.Boolean => "bool",
        BsonType.Null => "null",
        _ => value.BsonType.ToString(),
    };

    private static BsonValue Arithmetic(BsonValue a, BsonValue b, bool add)
    {
        if (a.BsonType == BsonType.Double || b.BsonType == BsonType.Double)
        {
            return add ? a.ToDouble() + b.ToDouble() : a.ToDouble() * b.ToDouble();
        }

        if (a.BsonType == BsonType.Decimal128 || b.BsonType == BsonType.Decimal128)
        {
            var x = a.ToDecimal();
            var y = b.ToDecimal();
            return new BsonDecimal128(add ? x + y : x * y);
        }

        var result = add ? (Int128)a.ToInt64() + b.ToInt64() : (Int128)a.ToInt64() * b.ToInt64();
        if (a.BsonType == BsonType.Int32 && b.BsonType == BsonType.Int32 && result >= int.MinValue && result <= int.MaxValue)
        {
            return (int)result;
        }

        return (long)result;
    }

    private static BsonDocument Replace(BsonDocument original, BsonDocument replacement)
    {
        foreach (var element in replacement)
        {
            if (element.Name.StartsWith('$'))
            {
                throw new CommandException(ErrorCodes.BadValue, $"The dollar ($) prefixed field '{element.Name}' in '{element.Name}' is not allowed in the context of an update's replacement document.");
            }
        }

        var result = new BsonDocument();
        if (original.TryGetValue("_id", out var id))
        {
            if (replacement.TryGetValue("_id", out var newId) && !BsonOrder.AreEqual(id, newId))
            {
                throw new CommandException(ErrorCodes.ImmutableField, "After applying the update, the (immutable) field '_id' was found to have been altered to _id: " + newId);
            }

            result.Add("_id", id);
        }

        foreach (var element in replacement)
        {
            if (element.Name != "_id" || !result.Contains("_id"))
            {
                result.Add(element.Name, element.Value);
            }
        }

        return result;
    }

    /// <summary>The document an upsert starts from: the query's equality conditions on plain fields.</summary>
    public static BsonDocument UpsertSeed(BsonDocument? query)
    {
        var seed = new BsonDocument();
        if (query is not null)
        {
            AddEqualities(seed, query);
        }

        return seed;
    }

    private static void AddEqualities(BsonDocument seed, BsonDocument query)
    {
        foreach (var element in query)
        {
            if (element.Name == "$and" && element.Value is BsonArray and)
            {
                foreach (var sub in and.OfType<BsonDocument>())
                {
                    AddEqualities(seed, sub);
                }

                continue;
            }

            if (element.Name.StartsWith('$'))
            {
                continue;
            }

            var value = element.Value;
            if (value is BsonDocument ops && ops.ElementCount > 0 && ops.GetElement(0).Name.StartsWith('$'))
            {
                if (ops.ElementCount == 1 && ops.Contains("$eq"))
                {
                    value = ops["$eq"];
                }
                else
                {
                    continue;
                }
            }

            if (value is BsonRegularExpression)
            {
                continue;
            }

            Projection.SetPath(seed, PathValues.Split(element.Name), value);
        }
    }
}
