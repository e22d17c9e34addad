using ChatSocket.EmbeddedMongo.Bson;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>
/// What a top-level conjunct of a filter says about one path, in the form an index scan can use: an equality or a
/// range. <see cref="Exact"/> means the index bounds alone decide the match, so the scan need not re-check it.
/// </summary>
internal sealed class FieldCondition
{
    public FieldCondition(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public BsonValue? Equal { get; set; }

    public BsonValue? Lower { get; set; }

    public bool LowerInclusive { get; set; }

    public BsonValue? Upper { get; set; }

    public bool UpperInclusive { get; set; }

    /// <summary>The values of an <c>$in</c> made only of boundable scalars: several point scans can answer it.</summary>
    public List<BsonValue>? InValues { get; set; }

    /// <summary>Set by <c>{$exists: true}</c>: only documents that have the path match (a partial index on
    /// <c>{path: {$exists: true}}</c> holds them all).</summary>
    public bool MustExist { get; set; }

    /// <summary>False once an operator that bounds cannot express ($ne, $regex, $in, ...) was seen on this path.</summary>
    public bool Exact { get; set; } = true;

    public bool HasRange => Lower is not null || Upper is not null;

    /// <summary>Scalars whose comparison inside a type bracket is what an ordered index gives.</summary>
    public static bool IsBoundable(BsonValue value) => value.BsonType is BsonType.Double or BsonType.Int32
        or BsonType.Int64 or BsonType.Decimal128 or BsonType.String or BsonType.ObjectId or BsonType.Boolean
        or BsonType.DateTime or BsonType.Timestamp or BsonType.Binary;

    /// <summary>Rank of the type bracket the range is confined to.</summary>
    public int RangeRank => BsonOrder.Rank((Lower ?? Upper)!);
}
