using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Commands;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>
/// A find/$project projection. Inclusion or exclusion of top-level fields copies BSON elements without parsing;
/// dotted paths and expressions (<c>{name: "$field"}</c>, <c>{$literal: ...}</c>) work on a parsed document.
/// </summary>
internal sealed class Projection
{
    private readonly BsonDocument _spec;
    private readonly bool _inclusion;
    private readonly bool _includeId;
    private readonly bool _simple;
    private readonly FieldSet _fields;
    private readonly bool _hasMeta;

    private Projection(BsonDocument spec)
    {
        _spec = spec;
        _includeId = true;
        bool? inclusion = null;
        var simple = true;
        var idOnly = false;
        var names = new List<string>();
        foreach (var element in spec)
        {
            var v = element.Value;
            if (element.Name.StartsWith('$'))
            {
                throw new CommandException(ErrorCodes.BadValue, $"projection field name cannot start with '$': {element.Name}");
            }

            var isFlag = v.IsBoolean || v.IsNumeric;
            if (element.Name == "_id" && isFlag)
            {
                _includeId = ExpressionEvaluator.Truthy(v);
                idOnly = _includeId;
                continue;
            }

            var include = !isFlag || ExpressionEvaluator.Truthy(v);
            if (inclusion.HasValue && inclusion.Value != include)
            {
                throw new CommandException(31254, $"Cannot do {(include ? "inclusion" : "exclusion")} on field {element.Name} in {(include ? "exclusion" : "inclusion")} projection");
            }

            if (v is BsonDocument { ElementCount: 1 } meta && meta.GetElement(0).Name == "$meta")
            {
                // A $meta field is added in either mode and decides neither.
                _hasMeta = true;
                simple = false;
                continue;
            }

            if (v is BsonDocument op && op.ElementCount > 0 && op.GetElement(0).Name is "$slice" or "$elemMatch")
            {
                throw new CommandException(ErrorCodes.BadValue, $"projection operator {op.GetElement(0).Name} is not supported by the embedded engine");
            }

            inclusion = include;
            simple &= isFlag && !element.Name.Contains('.', StringComparison.Ordinal);
            names.Add(element.Name);
        }

        // {_id: 1} with nothing else but $meta fields is an inclusion of _id, as in MongoDB.
        _inclusion = inclusion ?? idOnly;
        _simple = simple;
        _fields = new FieldSet(names);
        IsIdentity = names.Count == 0 && _includeId && !_hasMeta && !_inclusion;
    }

    public bool IsIdentity { get; }

    public static Projection? Parse(BsonValue? spec) =>
        spec is BsonDocument doc && doc.ElementCount > 0 ? new Projection(doc) : null;

    public byte[] Apply(byte[] document)
    {
        if (IsIdentity)
        {
            return document;
        }

        if (_simple)
        {
            return CopyElements(document);
        }

        return Apply(RawBson.ReadDocument(document)).ToBson();
    }

    private byte[] CopyElements(byte[] document)
    {
        using var output = new MemoryStream(document.Length);
        output.Write(stackalloc byte[4]);
        var pos = 4;
        var end = document.Length - 1;
        while (pos < end)
        {
            var type = document[pos];
            var nameStart = pos + 1;
            var nameLength = document.AsSpan(nameStart).IndexOf((byte)0);
            var valueOffset = nameStart + nameLength + 1;
            var next = valueOffset + RawBson.ValueSize(document, valueOffset, type);
            var name = document.AsSpan(nameStart, nameLength);
            bool keep = name.SequenceEqual("_id"u8) ? _includeId : _inclusion == (_fields.IndexOf(name) >= 0);
            if (keep)
            {
                output.Write(document.AsSpan(pos, next - pos));
            }

            pos = next;
        }

        output.WriteByte(0);
        var bytes = output.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes, bytes.Length);
        return bytes;
    }

    public BsonDocument Apply(BsonDocument document)
    {
        if (IsIdentity)
        {
            return document;
        }

        BsonDocument result;
        if (_inclusion)
        {
            result = new BsonDocument();
            if (_includeId && document.TryGetValue("_id", out var id))
            {
                result.Add("_id", id);
            }

            // Included fields keep the document's order; computed fields follow in the projection's order.
            foreach (var field in document)
            {
                if (field.Name == "_id")
                {
                    continue;
                }

                foreach (var element in _spec)
                {
                    if (IsFlag(element.Value) && FieldSet.TopLevel(element.Name) == field.Name)
                    {
                        var segments = element.Name.Split('.');
                        if (PathValues.GetExact(document, segments) is { } value)
                        {
                            SetPath(result, segments, value);
                        }
                    }
                }
            }

            foreach (var element in _spec)
            {
                if (!IsFlag(element.Value) && ExpressionEvaluator.Evaluate(element.Value, document) is { } computed)
                {
                    SetPath(result, element.Name.Split('.'), computed);
                }
            }

            // Metadata outlives a projection, as in MongoDB: a later stage may still sort on the score.
            if (document.TryGetValue(TextSearch.ScoreField, out var score))
            {
                result[TextSearch.ScoreField] = score;
            }

            return result;
        }

        result = document.DeepClone().AsBsonDocument;
        if (!_includeId)
        {
            result.Remove("_id");
        }

        foreach (var name in _fields.Names)
        {
            RemovePath(result, name.Split('.'));
        }

        if (_hasMeta)
        {
            foreach (var element in _spec)
            {
                if (element.Value is BsonDocument { ElementCount: 1 } meta && meta.GetElement(0).Name == "$meta")
                {
                    SetPath(result, element.Name.Split('.'), ExpressionEvaluator.Evaluate(meta, document) ?? BsonNull.Value);
                }
            }
        }

        return result;
    }

    private static bool IsFlag(BsonValue value) => value.IsBoolean || value.IsNumeric;

    public static void SetPath(BsonDocument target, string[] segments, BsonValue value)
    {
        var current = target;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (!current.TryGetValue(segments[i], out var next) || next is not BsonDocument nextDoc)
            {
                nextDoc = new BsonDocument();
                current[segments[i]] = nextDoc;
            }

            current = nextDoc;
        }

        current[segments[^1]] = value;
    }

    public static bool RemovePath(BsonDocument target, string[] segments)
    {
        var current = target;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (!current.TryGetValue(segments[i], out var next) || next is not BsonDocument nextDoc)
            {
                return false;
            }

            current = nextDoc;
        }

        if (!current.Contains(segments[^1]))
        {
            return false;
        }

        current.Remove(segments[^1]);
        return true;
    }
}
