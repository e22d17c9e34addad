using System.Text;
using ChatSocket.EmbeddedMongo.Commands;
using ChatSocket.EmbeddedMongo.Query;
using ChatSocket.EmbeddedMongo.Text;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>An index as <c>createIndexes</c> describes it: key pattern, name and options.</summary>
internal sealed class IndexDefinition
{
    private static readonly HashSet<string> KnownOptions =
    [
        "key", "name", "unique", "partialFilterExpression", "sparse", "v", "background", "expireAfterSeconds",
        "hidden", "collation", "ns", "weights", "default_language", "language_override", "textIndexVersion",
    ];

    private IndexDefinition(BsonDocument spec)
    {
        Spec = spec;
        Key = spec["key"].AsBsonDocument;
        Name = spec["name"].AsString;
        // The _id index is unique although listIndexes does not say so.
        Unique = spec.GetValue("unique", false).ToBoolean() || Name == "_id_";
        Sparse = spec.GetValue("sparse", false).ToBoolean();
        Fields = new string[Key.ElementCount];
        FieldSegments = new string[Key.ElementCount][];
        FieldUtf8 = new byte[Key.ElementCount][];
        Directions = new int[Key.ElementCount];
        if (spec.TryGetValue("weights", out var weights))
        {
            // A text index is keyed by (prefix..., term): _ftsx is not a key of its own here.
            TextWeights = weights.AsBsonDocument.ToDictionary(w => w.Name, w => w.Value.ToDouble(), StringComparer.Ordinal);
            TopLevelTextFields = TextWeights.Keys.Any(f => f.Contains('.') || f.Contains('$'))
                ? null
                : [.. TextWeights.Keys.Select(f => Encoding.UTF8.GetBytes(f))];
            Fields = new string[Key.ElementCount - 1];
            FieldSegments = new string[Fields.Length][];
            FieldUtf8 = new byte[Fields.Length][];
            Directions = new int[Fields.Length];
        }

        for (var i = 0; i < Fields.Length; i++)
        {
            var element = Key.GetElement(i);
            Fields[i] = element.Name;
            FieldSegments[i] = element.Name.Split('.');
            FieldUtf8[i] = Encoding.UTF8.GetBytes(FieldSegments[i][0]);
            Directions[i] = element.Value.IsString || element.Value.ToDouble() >= 0 ? 1 : -1;
        }

        if (spec.TryGetValue("partialFilterExpression", out var partial))
        {
            PartialFilter = FilterCompiler.Compile(partial.AsBsonDocument);
            PartialExistsFields = ExistsOnly(partial.AsBsonDocument);
        }

        IsIdIndex = Fields is ["_id"];
    }

    /// <summary>The fields of a partial filter made only of top-level <c>{f: {$exists: true}}</c>, else null.</summary>
    private static byte[][]? ExistsOnly(BsonDocument filter)
    {
        var fields = new List<byte[]>();
        foreach (var element in filter)
        {
            if (element.Name.StartsWith('$') || element.Name.Contains('.', StringComparison.Ordinal)
                || element.Value is not BsonDocument { ElementCount: 1 } op || op.GetElement(0).Name != "$exists" || !op[0].ToBoolean())
            {
                return null;
            }

            fields.Add(Encoding.UTF8.GetBytes(element.Name));
        }

        return [.. fields];
    }

    public BsonDocument Spec { get; }

    public BsonDocument Key { get; }

    public string Name { get; }

    public bool Unique { get; }

    public bool Sparse { get; }

    public Filter? PartialFilter { get; }

    /// <summary>Set when the partial filter only requires some top-level fields to exist.</summary>
    public byte[][]? PartialExistsFields { get; }

    /// <summary>A single-field index on _id: keys come from the stored document's known id.</summary>
    public bool IsIdIndex { get; }

    public string[] Fields { get; }

    public string[][] FieldSegments { get; }

    /// <summary>UTF-8 of each field's first path segment, to find it in raw BSON.</summary>
    public byte[][] FieldUtf8 { get; }

    public int[] Directions { get; }

    /// <summary>The weight of each text field, for a text index (whose last key field is the term); else null.</summary>
    public IReadOnlyDictionary<string, double>? TextWeights { get; }

    public bool IsText => TextWeights is not null;

    /// <summary>
    /// UTF-8 names of a text index's fields when all are top-level names (read straight from the bytes when a
    /// message is indexed); null for a text index with a dotted path or a wildcard, and for any other index.
    /// </summary>
    public byte[][]? TopLevelTextFields { get; }

    /// <summary>How many equality fields come before the term in a text index.</summary>
    public int TextPrefixCount => Fields.Length - 1;

    /// <summary>Whether the index holds only some documents (then it cannot answer a query on its own).</summary>
    public bool IsPartial => PartialFilter is not null || Sparse || IsText;

    public static IndexDefinition IdIndex() => new(new BsonDocument { { "v", 2 }, { "key", new BsonDocument("_id", 1) }, { "name", "_id_" } });

    /// <summary>Validates a spec from <c>createIndexes</c> and normalises it to what <c>listIndexes</c> shows.</summary>
    public static IndexDefinition Parse(BsonDocument raw)
    {
        if (!raw.TryGetValue("key", out var key) || key is not BsonDocument keyDoc || keyDoc.ElementCount == 0)
        {
            throw new CommandException(ErrorCodes.BadValue, "Index spec must have a non-empty 'key' document");
        }

        var isText = TextIndexSpec.IsText(keyDoc);
        foreach (var element in keyDoc)
        {
            if (!isText && (!element.Value.IsNumeric || element.Value.ToDouble() == 0))
            {
                throw new CommandException(ErrorCodes.BadValue, $"Index key type {element.Value} for field '{element.Name}' is not supported by the embedded engine (only 1 and -1)");
            }
        }

        foreach (var element in raw)
        {
            if (!KnownOptions.Contains(element.Name))
            {
                throw new CommandException(ErrorCodes.InvalidOptions, $"The field '{element.Name}' is not valid for an index specification (or not supported by the embedded engine)");
            }
        }

        if (raw.Contains("collation"))
        {
            throw new CommandException(ErrorCodes.BadValue, "collation is not supported by the embedded engine");
        }

        var name = raw.TryGetValue("name", out var n) ? n.AsString : DefaultName(keyDoc);
        var spec = new BsonDocument { { "v", 2 }, { "key", keyDoc }, { "name", name } };
        if (raw.GetValue("unique", false).ToBoolean())
        {
            spec.Add("unique", true);
        }

        if (raw.GetValue("sparse", false).ToBoolean())
        {
            spec.Add("sparse", true);
        }

        if (raw.TryGetValue("partialFilterExpression", out var partial))
        {
            if (partial is not BsonDocument)
            {
                throw new CommandException(ErrorCodes.TypeMismatch, "partialFilterExpression must be an object");
            }

            spec.Add("partialFilterExpression", partial);
        }

        if (isText)
        {
            TextIndexSpec.Normalize(keyDoc, raw, spec);
        }

        if (raw.TryGetValue("expireAfterSeconds", out var ttl))
        {
            spec.Add("expireAfterSeconds", ttl);
        }

        if (name == "_id_" && !(keyDoc.ElementCount == 1 && keyDoc.Contains("_id")))
        {
            throw new CommandException(ErrorCodes.BadValue, "The index name '_id_' is reserved for the _id index");
        }

        return new IndexDefinition(spec);
    }

    public static string DefaultName(BsonDocument key)
    {
        var builder = new StringBuilder();
        foreach (var element in key)
        {
            if (builder.Length > 0)
            {
                builder.Append('_');
            }

            builder.Append(element.Name).Append('_').Append(element.Value.ToString());
        }

        return builder.ToString();
    }

    /// <summary>Same key and options: creating it again is a no-op.</summary>
    public bool IsEquivalentTo(IndexDefinition other) =>
        Key.Equals(other.Key) && Unique == other.Unique
        && Spec.GetValue("weights", BsonNull.Value).Equals(other.Spec.GetValue("weights", BsonNull.Value)) && Sparse == other.Sparse
        && Spec.GetValue("partialFilterExpression", BsonNull.Value).Equals(other.Spec.GetValue("partialFilterExpression", BsonNull.Value));
}
