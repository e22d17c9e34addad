using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>
/// An index scan: equal values for the leading index fields, an optional range on the next one, the walking
/// direction, and whether the bounds alone decide the match (<see cref="Covered"/>).
/// </summary>
internal sealed class QueryPlan
{
    private readonly BsonValue[] _equals;
    // The bounds, encoded as the index keeps its keys (IndexKeyCodec), so that entries compare with them undecoded.
    private readonly byte[] _encodedEquals;
    private readonly byte[]? _lower;
    private readonly byte[]? _upper;
    private readonly FieldCondition? _range;
    private readonly int[] _directions;

    public QueryPlan(CollectionIndex index, BsonValue[] equals, FieldCondition? range, bool covered, bool providesSort, bool reverse)
    {
        Index = index;
        _equals = equals;
        _encodedEquals = IndexKeyCodec.Encode(equals);
        _range = range;
        _lower = range?.Lower is { } lower ? IndexKeyCodec.Encode([lower]) : null;
        _upper = range?.Upper is { } upper ? IndexKeyCodec.Encode([upper]) : null;
        _directions = index.Definition.Directions;
        Covered = covered;
        ProvidesSort = providesSort;
        Reverse = reverse;
        IsBefore = BeforeBounds;
        IsAfter = AfterBounds;
    }

    public CollectionIndex Index { get; }

    public bool Covered { get; }

    public bool ProvidesSort { get; }

    public bool Reverse { get; }

    /// <summary>The equal values of the leading index fields (for a text index: its prefix values, then the term).</summary>
    public IReadOnlyList<BsonValue> EqualValues => _equals;

    public int BoundFields => _equals.Length + (_range is null ? 0 : 1);

    /// <summary>True for entries that come, in index order, before the scanned interval.</summary>
    public Func<IndexEntry, bool> IsBefore { get; }

    /// <summary>True for entries that come, in index order, after the scanned interval.</summary>
    public Func<IndexEntry, bool> IsAfter { get; }

    private bool BeforeBounds(IndexEntry entry) => Position(entry) < 0;

    private bool AfterBounds(IndexEntry entry) => Position(entry) > 0;

    /// <summary>-1 before the interval, 0 inside, 1 after, in index order.</summary>
    private int Position(IndexEntry entry)
    {
        var key = entry.Key;
        var at = 0;
        var equalAt = 0;
        for (var i = 0; i < _equals.Length; i++)
        {
            var c = IndexKeyCodec.CompareAt(key, at, _encodedEquals, equalAt) * _directions[i];
            if (c != 0)
            {
                return c;
            }

            at = IndexKeyCodec.Next(key, at);
            equalAt = IndexKeyCodec.Next(_encodedEquals, equalAt);
        }

        if (_range is null)
        {
            return 0;
        }

        var direction = _directions[_equals.Length];
        var rank = _range.RangeRank;
        var valueRank = BsonOrder.Rank(IndexKeyCodec.TypeAt(key, at));
        int valuePosition;
        if (valueRank != rank)
        {
            valuePosition = valueRank < rank ? -1 : 1;
        }
        else if (_lower is not null && Below(IndexKeyCodec.CompareAt(key, at, _lower, 0), _range.LowerInclusive))
        {
            valuePosition = -1;
        }
        else if (_upper is not null && Above(IndexKeyCodec.CompareAt(key, at, _upper, 0), _range.UpperInclusive))
        {
            valuePosition = 1;
        }
        else
        {
            valuePosition = 0;
        }

        return valuePosition * direction;
    }

    // c: the value compared with the bound.
    private static bool Below(int c, bool inclusive) => inclusive ? c < 0 : c <= 0;

    private static bool Above(int c, bool inclusive) => inclusive ? c > 0 : c >= 0;
}
