using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Bson;

/// <summary>
/// Compares BSON values the way MongoDB sorts them: first by canonical type (MinKey, null, numbers, strings, objects,
/// arrays, binary, ObjectId, booleans, dates, timestamps, regexes, MaxKey), then by value within the type.
/// </summary>
internal sealed class BsonOrder : IComparer<BsonValue>
{
    public static readonly BsonOrder Instance = new();

    /// <summary>The canonical rank of a value's type; numbers share one rank, as do strings and symbols.</summary>
    public static int Rank(BsonValue value) => Rank(value.BsonType);

    public static int Rank(BsonType type) => type switch
    {
        BsonType.MinKey => 0,
        BsonType.Undefined or BsonType.Null => 1,
        BsonType.Double or BsonType.Int32 or BsonType.Int64 or BsonType.Decimal128 => 2,
        BsonType.String or BsonType.Symbol => 3,
        BsonType.Document => 4,
        BsonType.Array => 5,
        BsonType.Binary => 6,
        BsonType.ObjectId => 7,
        BsonType.Boolean => 8,
        BsonType.DateTime => 9,
        BsonType.Timestamp => 10,
        BsonType.RegularExpression => 11,
        BsonType.JavaScript => 12,
        BsonType.JavaScriptWithScope => 13,
        BsonType.MaxKey => 15,
        _ => 14,
    };

    public int Compare(BsonValue? x, BsonValue? y)
    {
        // Fast paths for the types index keys are usually made of (sealed classes: cheap type tests).
        if (x is BsonString sx && y is BsonString sy)
        {
            return CompareStrings(sx.Value, sy.Value);
        }

        if (x is BsonObjectId ox && y is BsonObjectId oy)
        {
            return ox.Value.CompareTo(oy.Value);
        }

        if (x is BsonInt32 ix && y is BsonInt32 iy)
        {
            return ix.Value.CompareTo(iy.Value);
        }

        x ??= BsonNull.Value;
        y ??= BsonNull.Value;
        var rx = Rank(x);
        var ry = Rank(y);
        if (rx != ry)
        {
            return rx < ry ? -1 : 1;
        }

        return rx switch
        {
            2 => CompareNumbers(x, y),
            3 => CompareStrings(StringOf(x), StringOf(y)),
            4 => CompareDocuments(x.AsBsonDocument, y.AsBsonDocument),
            5 => CompareArrays(x.AsBsonArray, y.AsBsonArray),
            6 => CompareBinary(x.AsBsonBinaryData, y.AsBsonBinaryData),
            7 => x.AsObjectId.CompareTo(y.AsObjectId),
            8 => x.AsBoolean.CompareTo(y.AsBoolean),
            9 => x.AsBsonDateTime.MillisecondsSinceEpoch.CompareTo(y.AsBsonDateTime.MillisecondsSinceEpoch),
            10 => ((ulong)x.AsBsonTimestamp.Value).CompareTo((ulong)y.AsBsonTimestamp.Value),
            11 => CompareRegex(x.AsBsonRegularExpression, y.AsBsonRegularExpression),
            12 or 13 or 14 => string.CompareOrdinal(x.ToString(), y.ToString()),
            _ => 0,
        };
    }

    /// <summary>True when both values are equal under MongoDB's comparison (1 == 1.0 == NumberLong(1)).</summary>
    public static bool AreEqual(BsonValue x, BsonValue y) => Instance.Compare(x, y) == 0;

    /// <summary>
    /// Orders strings by code point, as MongoDB does (it compares their UTF-8 bytes, and so do index keys,
    /// IndexKeyCodec). UTF-16 ordinal order differs only where a surrogate pair meets a character from U+E000 to
    /// U+FFFF.
    /// </summary>
    public static int CompareStrings(string x, string y)
    {
        var common = x.AsSpan().CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length.CompareTo(y.Length);
        }

        int a = x[common];
        int b = y[common];
        if (a >= 0xD800 && b >= 0xD800)
        {
            // Surrogates (U+D800-U+DFFF) stand for code points above U+FFFF: move them above U+E000-U+FFFF.
            a = a >= 0xE000 ? a - 0x800 : a + 0x2000;
            b = b >= 0xE000 ? b - 0x800 : b + 0x2000;
        }

        return a < b ? -1 : 1;
    }

    private static string StringOf(BsonValue value) =>
        value.BsonType == BsonType.Symbol ? value.AsBsonSymbol.Name : value.AsString;

    private static int CompareNumbers(BsonValue x, BsonValue y)
    {
        var tx = x.BsonType;
        var ty = y.BsonType;
        if (tx is BsonType.Int32 or BsonType.Int64 && ty is BsonType.Int32 or BsonType.Int64)
        {
            return x.ToInt64().CompareTo(y.ToInt64());
        }

        if (tx == BsonType.Decimal128 || ty == BsonType.Decimal128)
        {
            var dx = ToDecimalOrNull(x);
            var dy = ToDecimalOrNull(y);
            if (dx.HasValue && dy.HasValue)
            {
                return dx.Value.CompareTo(dy.Value);
            }
        }

        var a = x.ToDouble();
        var b = y.ToDouble();
        // MongoDB sorts NaN below every other number and treats NaN as equal to NaN.
        if (double.IsNaN(a))
        {
            return double.IsNaN(b) ? 0 : -1;
        }

        return double.IsNaN(b) ? 1 : a.CompareTo(b);
    }

    private static decimal? ToDecimalOrNull(BsonValue value)
    {
        try
        {
            return value.BsonType switch
            {
                BsonType.Decimal128 => Decimal128.ToDecimal(value.AsDecimal128),
                BsonType.Double when double.IsFinite(value.AsDouble) && Math.Abs(value.AsDouble) < 7.9e28 => (decimal)value.AsDouble,
                BsonType.Int32 => value.AsInt32,
                BsonType.Int64 => value.AsInt64,
                _ => null,
            };
        }
        catch (OverflowException)
        {
            // Out of decimal's range: the caller falls back to comparing doubles.
            return null;
        }
    }

    private int CompareDocuments(BsonDocument x, BsonDocument y)
    {
        var n = Math.Min(x.ElementCount, y.ElementCount);
        for (var i = 0; i < n; i++)
        {
            var ex = x.GetElement(i);
            var ey = y.GetElement(i);
            var c = Rank(ex.Value).CompareTo(Rank(ey.Value));
            if (c != 0)
            {
                return c;
            }

            c = CompareStrings(ex.Name, ey.Name);
            if (c != 0)
            {
                return c < 0 ? -1 : 1;
            }

            c = Compare(ex.Value, ey.Value);
            if (c != 0)
            {
                return c;
            }
        }

        return x.ElementCount.CompareTo(y.ElementCount);
    }

    private int CompareArrays(BsonArray x, BsonArray y)
    {
        var n = Math.Min(x.Count, y.Count);
        for (var i = 0; i < n; i++)
        {
            var c = Compare(x[i], y[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return x.Count.CompareTo(y.Count);
    }

    private static int CompareBinary(BsonBinaryData x, BsonBinaryData y)
    {
        var c = x.Bytes.Length.CompareTo(y.Bytes.Length);
        if (c != 0)
        {
            return c;
        }

        c = ((byte)x.SubType).CompareTo((byte)y.SubType);
        return c != 0 ? c : x.Bytes.AsSpan().SequenceCompareTo(y.Bytes);
    }

    private static int CompareRegex(BsonRegularExpression x, BsonRegularExpression y)
    {
        var c = string.CompareOrdinal(x.Pattern, y.Pattern);
        return c != 0 ? c : string.CompareOrdinal(x.Options, y.Options);
    }
}
