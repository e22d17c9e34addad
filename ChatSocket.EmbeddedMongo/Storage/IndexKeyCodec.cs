using System.Buffers.Binary;
using System.Text;
using ChatSocket.EmbeddedMongo.Bson;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>
/// An index key tuple held as one byte array: for each field, its BSON type byte followed by its BSON value bytes. An
/// entry's key is then one object with nothing in it for the GC to trace, where a <c>BsonValue[]</c> with boxed values
/// was up to four objects it had to follow on every collection (docs/BENCHMARKS.md, session 9). Keys compare in
/// MongoDB's order, the same as <see cref="BsonOrder"/>; the types index keys are usually made of are compared
/// straight from the bytes.
/// </summary>
internal static class IndexKeyCodec
{
    // Bytes before the value in a one-element document { "k": value }: length, type, "k", terminator.
    private const int WrappedValueOffset = 7;

    /// <summary>Encodes a key tuple (one value per index field).</summary>
    public static byte[] Encode(BsonValue[] key)
    {
        var size = 0;
        byte[]?[]? wrapped = null;
        for (var i = 0; i < key.Length; i++)
        {
            var fixedSize = FixedSize(key[i]);
            if (fixedSize >= 0)
            {
                size += 1 + fixedSize;
                continue;
            }

            // Rare types (documents, arrays, binary, regular expressions, ...): the BSON library writes them.
            wrapped ??= new byte[key.Length][];
            var bytes = new BsonDocument("k", key[i]).ToBson();
            wrapped[i] = bytes;
            size += 1 + bytes.Length - WrappedValueOffset - 1;
        }

        var encoded = new byte[size];
        var offset = 0;
        for (var i = 0; i < key.Length; i++)
        {
            offset += wrapped?[i] is { } bytes ? CopyWrapped(bytes, encoded.AsSpan(offset)) : Write(key[i], encoded, offset);
        }

        return encoded;
    }

    /// <summary>Decodes a key tuple: the values the comparison's slow path reads, one by one (tests check with it that
    /// the encoding keeps every value).</summary>
    public static BsonValue[] Decode(byte[] key)
    {
        var values = new List<BsonValue>(2);
        for (var offset = 0; offset < key.Length; offset = Next(key, offset))
        {
            values.Add(ValueAt(key, offset));
        }

        return [.. values];
    }

    /// <summary>Compares two keys of an index, field by field, each ascending (1) or descending (-1).</summary>
    public static int Compare(byte[] x, byte[] y, int[] directions)
    {
        var ox = 0;
        var oy = 0;
        for (var i = 0; i < directions.Length; i++)
        {
            var c = CompareAt(x, ox, y, oy);
            if (c != 0)
            {
                return c * directions[i];
            }

            ox = Next(x, ox);
            oy = Next(y, oy);
        }

        return 0;
    }

    /// <summary>Where the field after the one at <paramref name="offset"/> starts.</summary>
    public static int Next(byte[] key, int offset) => offset + 1 + RawBson.ValueSize(key, offset + 1, key[offset]);

    /// <summary>The BSON type of the field at <paramref name="offset"/>.</summary>
    public static BsonType TypeAt(byte[] key, int offset) => (BsonType)key[offset];

    /// <summary>Compares the field of <paramref name="x"/> at <paramref name="ox"/> with that of <paramref name="y"/>
    /// at <paramref name="oy"/> in MongoDB's order (ascending).</summary>
    public static int CompareAt(byte[] x, int ox, byte[] y, int oy)
    {
        var tx = x[ox];
        var ty = y[oy];
        if (tx == ty)
        {
            var vx = ox + 1;
            var vy = oy + 1;
            switch ((BsonType)tx)
            {
                case BsonType.String:
                    {
                        // UTF-8 byte order is code point order, which is MongoDB's (and BsonOrder's) string order.
                        var lx = RawBson.ReadInt32(x, vx) - 1;
                        var ly = RawBson.ReadInt32(y, vy) - 1;
                        return x.AsSpan(vx + 4, lx).SequenceCompareTo(y.AsSpan(vy + 4, ly));
                    }

                case BsonType.ObjectId:
                    // An ObjectId's bytes are big-endian, so byte order is its order.
                    return x.AsSpan(vx, 12).SequenceCompareTo(y.AsSpan(vy, 12));
                case BsonType.Int32:
                    return RawBson.ReadInt32(x, vx).CompareTo(RawBson.ReadInt32(y, vy));
                case BsonType.Int64:
                case BsonType.DateTime:
                    return BinaryPrimitives.ReadInt64LittleEndian(x.AsSpan(vx)).CompareTo(BinaryPrimitives.ReadInt64LittleEndian(y.AsSpan(vy)));
                case BsonType.Double:
                    return CompareDoubles(BinaryPrimitives.ReadDoubleLittleEndian(x.AsSpan(vx)), BinaryPrimitives.ReadDoubleLittleEndian(y.AsSpan(vy)));
                case BsonType.Boolean:
                    return x[vx].CompareTo(y[vy]);
                case BsonType.Null:
                case BsonType.Undefined:
                case BsonType.MinKey:
                case BsonType.MaxKey:
                    return 0;
            }
        }

        var rx = BsonOrder.Rank((BsonType)tx);
        var ry = BsonOrder.Rank((BsonType)ty);
        if (rx != ry)
        {
            return rx < ry ? -1 : 1;
        }

        // Same rank, not both of a type read above (1 against 1.0, a decimal, a document, ...): decode both.
        return BsonOrder.Instance.Compare(ValueAt(x, ox), ValueAt(y, oy));
    }

    private static BsonValue ValueAt(byte[] key, int offset)
    {
        var type = key[offset];
        return RawBson.ReadValue(key, type, offset + 1, RawBson.ValueSize(key, offset + 1, type));
    }

    // As BsonOrder: NaN sorts below every other number and equals NaN.
    private static int CompareDoubles(double a, double b)
    {
        if (double.IsNaN(a))
        {
            return double.IsNaN(b) ? 0 : -1;
        }

        return double.IsNaN(b) ? 1 : a.CompareTo(b);
    }

    // The value's size for the types written here; -1 for the rest.
    private static int FixedSize(BsonValue value) => value.BsonType switch
    {
        BsonType.String => 4 + Encoding.UTF8.GetByteCount(value.AsString) + 1,
        BsonType.ObjectId => 12,
        BsonType.Int32 => 4,
        BsonType.Int64 or BsonType.DateTime or BsonType.Double => 8,
        BsonType.Boolean => 1,
        BsonType.Null or BsonType.Undefined or BsonType.MinKey or BsonType.MaxKey => 0,
        _ => -1,
    };

    private static int Write(BsonValue value, byte[] target, int offset)
    {
        target[offset] = (byte)value.BsonType;
        var body = target.AsSpan(offset + 1);
        switch (value.BsonType)
        {
            case BsonType.String:
                {
                    var length = Encoding.UTF8.GetBytes(value.AsString, body[4..]);
                    BinaryPrimitives.WriteInt32LittleEndian(body, length + 1);
                    body[4 + length] = 0;
                    return 1 + 4 + length + 1;
                }

            case BsonType.ObjectId:
                value.AsObjectId.ToByteArray(target, offset + 1);
                return 13;
            case BsonType.Int32:
                BinaryPrimitives.WriteInt32LittleEndian(body, value.AsInt32);
                return 5;
            case BsonType.Int64:
                BinaryPrimitives.WriteInt64LittleEndian(body, value.AsInt64);
                return 9;
            case BsonType.DateTime:
                BinaryPrimitives.WriteInt64LittleEndian(body, value.AsBsonDateTime.MillisecondsSinceEpoch);
                return 9;
            case BsonType.Double:
                BinaryPrimitives.WriteDoubleLittleEndian(body, value.AsDouble);
                return 9;
            case BsonType.Boolean:
                body[0] = value.AsBoolean ? (byte)1 : (byte)0;
                return 2;
            default:
                // Null, undefined, MinKey, MaxKey: the type is the whole value.
                return 1;
        }
    }

    private static int CopyWrapped(byte[] wrapped, Span<byte> target)
    {
        target[0] = wrapped[4];
        var value = wrapped.AsSpan(WrappedValueOffset, wrapped.Length - WrappedValueOffset - 1);
        value.CopyTo(target[1..]);
        return 1 + value.Length;
    }
}
