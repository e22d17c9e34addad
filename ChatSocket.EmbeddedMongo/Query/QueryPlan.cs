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
    private readonly FieldCondition? _range;
    private readonly int[] _directions;

    public QueryPlan(CollectionIndex index, BsonValue[] equals, FieldCondition? range, bool covered, bool providesSort, bool reverse)
    {
        Index = index;
        _equals = equals;
        _range = range;
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
        for (var i = 0; i < _equals.Length; i++)
        {
            var c = BsonOrder.Instance.Compare(key[i], _equals[i]) * _directions[i];
            if (c != 0)
            {
                return c;
            }
        }

        if (_range is null)
        {
            return 0;
        }

        var field = _equals.Length;
        var value = key[field];
        var direction = _directions[field];
        var rank = _range.RangeRank;
        var valueRank = BsonOrder.Rank(value);
        int valuePosition;
        if (valueRank != rank)
        {
            valuePosition = valueRank < rank ? -1 : 1;
        }
        else if (_range.Lower is { } lower && Below(value, lower, _range.LowerInclusive))
        {
            valuePosition = -1;
        }
        else if (_range.Upper is { } upper && Above(value, upper, _range.UpperInclusive))
        {
            valuePosition = 1;
        }
        else
        {
            valuePosition = 0;
        }

        return valuePosition * direction;
    }

    private static bool Below(BsonValue value, BsonValue lower, bool inclusive)
    {
        var c = BsonOrder.Instance.Compare(value, lower);
        return inclusive ? c < 0 : c <= 0;
    }

    private static bool Above(BsonValue value, BsonValue upper, bool inclusive)
    {
        var c = BsonOrder.Instance.Compare(value, upper);
        return inclusive ? c > 0 : c >= 0;
    }
}
