using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Bson;

/// <summary>
/// Equality of key tuples as an index compares them (<see cref="BsonOrder"/>: 1 == 1.0, a symbol equals its string),
/// with a hash that agrees with it, so that equal keys can be looked up in a hash table.
/// </summary>
internal sealed class BsonKeyEquality : IEqualityComparer<BsonValue[]>
{
    public static readonly BsonKeyEquality Instance = new();

    public bool Equals(BsonValue[]? x, BsonValue[]? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Length != y.Length)
        {
            return false;
        }

        for (var i = 0; i < x.Length; i++)
        {
            // Pooled key values are shared instances: the common case costs no comparison.
            if (!ReferenceEquals(x[i], y[i]) && !BsonOrder.AreEqual(x[i], y[i]))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(BsonValue[] key)
    {
        var hash = new HashCode();
        foreach (var value in key)
        {
            hash.Add(HashOf(value));
        }

        return hash.ToHashCode();
    }

    /// <summary>
    /// Equal under <see cref="BsonOrder"/> implies equal here: numbers hash by their double value (0 and -0 alike),
    /// strings and symbols by their text; other types by their rank and, where cheap, their value.
    /// </summary>
    private static int HashOf(BsonValue value) => value switch
    {
        BsonString s => s.Value.GetHashCode(StringComparison.Ordinal),
        BsonSymbol s => s.Name.GetHashCode(StringComparison.Ordinal),
        BsonObjectId id => id.Value.GetHashCode(),
        BsonInt32 or BsonInt64 or BsonDouble or BsonDecimal128 => HashOfNumber(value.ToDouble()),
        BsonBoolean b => b.Value ? 1 : 2,
        BsonDateTime d => d.MillisecondsSinceEpoch.GetHashCode(),
        _ => BsonOrder.Rank(value),
    };

    private static int HashOfNumber(double number) => number == 0 ? 0 : double.IsNaN(number) ? 1 : number.GetHashCode();
}
