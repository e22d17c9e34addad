using System.Text.RegularExpressions;
using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Storage;
using MongoDB.Bson;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// Index keys held as bytes order exactly as their values do under MongoDB's comparison (BsonOrder), for every pair
/// of a mixed set of values, alone, in tuples and descending; and they decode back to the values they hold.
/// </summary>
[TestFixture]
public sealed class IndexKeyCodecTests
{
    private static readonly BsonValue[] Values =
    [
        BsonMinKey.Value,
        BsonNull.Value,
        BsonUndefined.Value,
        new BsonDouble(double.NaN),
        new BsonDouble(double.NegativeInfinity),
        new BsonInt64(long.MinValue),
        new BsonInt32(-5),
        new BsonDouble(-0.0),
        new BsonInt32(0),
        new BsonInt64(0),
        new BsonDouble(1.0),
        new BsonInt32(1),
        new BsonInt64(1),
        new BsonDecimal128(1m),
        new BsonDouble(1.5),
        new BsonInt32(int.MaxValue),
        new BsonInt64(9_007_199_254_740_993),
        new BsonDouble(9_007_199_254_740_992.0),
        new BsonDouble(double.PositiveInfinity),
        new BsonString(""),
        new BsonString("a"),
        new BsonString("ab"),
        new BsonString("b"),
        new BsonString("lobby"),
        new BsonString("é"),
        new BsonString("\uFFFD"),
        new BsonString("😀"),
        (BsonSymbol)"ab",
        new BsonDocument("a", 1),
        new BsonDocument("a", 2),
        new BsonArray { 1, 2 },
        new BsonBinaryData([1, 2, 3]),
        new BsonObjectId(ObjectId.Parse("000000000000000000000001")),
        new BsonObjectId(ObjectId.Parse("7fffffff0000000000000000")),
        new BsonObjectId(ObjectId.Parse("80000000000000000000ffff")),
        new BsonObjectId(ObjectId.Parse("ffffffffffffffffffffffff")),
        BsonBoolean.False,
        BsonBoolean.True,
        new BsonDateTime(-1),
        new BsonDateTime(0),
        new BsonDateTime(1_765_000_000_000),
        new BsonTimestamp(5),
        new BsonRegularExpression(new Regex("^a")),
        BsonMaxKey.Value,
    ];

    [Test]
    public void Every_pair_of_single_values_orders_as_BsonOrder_orders_them()
    {
        var mismatches = new List<string>();
        foreach (var x in Values)
        {
            foreach (var y in Values)
            {
                var expected = Math.Sign(BsonOrder.Instance.Compare(x, y));
                var actual = Math.Sign(IndexKeyCodec.Compare(IndexKeyCodec.Encode([x]), IndexKeyCodec.Encode([y]), [1]));
                if (actual != expected)
                {
                    mismatches.Add($"{x} vs {y}: {actual}, BsonOrder {expected}");
                }
            }
        }

        Assert.That(mismatches, Is.Empty);
    }

    [Test]
    public void Tuples_compare_field_by_field_with_each_fields_direction()
    {
        var room = new BsonString("lobby");
        var older = new BsonObjectId(ObjectId.Parse("65a000000000000000000001"));
        var newer = new BsonObjectId(ObjectId.Parse("65a000000000000000000002"));
        int[] roomAscendingIdDescending = [1, -1];

        var olderKey = IndexKeyCodec.Encode([room, older]);
        var newerKey = IndexKeyCodec.Encode([room, newer]);
        var otherRoomKey = IndexKeyCodec.Encode([new BsonString("lobbz"), older]);

        Assert.That(IndexKeyCodec.Compare(newerKey, olderKey, roomAscendingIdDescending), Is.Negative, "the id descends");
        Assert.That(IndexKeyCodec.Compare(olderKey, otherRoomKey, roomAscendingIdDescending), Is.Negative, "the room decides first");
        Assert.That(IndexKeyCodec.Compare(otherRoomKey, newerKey, [-1, -1]), Is.Negative);
        Assert.That(IndexKeyCodec.Compare(olderKey, IndexKeyCodec.Encode([room, older]), roomAscendingIdDescending), Is.Zero);
    }

    [Test]
    public void A_key_decodes_to_the_values_it_was_made_of()
    {
        BsonValue[] key = [new BsonString("lobby"), BsonNull.Value, new BsonInt64(42), new BsonDocument("a", new BsonArray { 1, "x" }), new BsonDateTime(7)];

        var decoded = IndexKeyCodec.Decode(IndexKeyCodec.Encode(key));

        Assert.That(decoded, Is.EqualTo(key));
    }

    [Test]
    public void Strings_order_by_code_point_as_MongoDB_orders_them()
    {
        // UTF-16 ordinal order would put the emoji (a surrogate pair) before U+FFFD; by code point it comes after.
        Assert.That(BsonOrder.CompareStrings("😀", "\uFFFD"), Is.Positive);
        Assert.That(BsonOrder.CompareStrings("ab", "abc"), Is.Negative);
        Assert.That(BsonOrder.CompareStrings("abc", "abc"), Is.Zero);
        Assert.That(BsonOrder.CompareStrings("b", "abc"), Is.Positive);
    }
}
