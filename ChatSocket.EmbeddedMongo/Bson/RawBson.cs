using System.Buffers.Binary;
using System.Text;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace ChatSocket.EmbeddedMongo.Bson;

/// <summary>
/// Reads fields straight out of BSON bytes so that the insert path and scans never parse whole documents.
/// </summary>
internal static class RawBson
{
    private static readonly byte[] IdName = "_id"u8.ToArray();

    /// <summary>Size in bytes of an element's value, starting at <paramref name="offset"/>.</summary>
    public static int ValueSize(ReadOnlySpan<byte> bytes, int offset, byte type)
    {
        switch (type)
        {
            case 0x01: case 0x09: case 0x11: case 0x12: return 8;
            case 0x02: case 0x0D: case 0x0E: return 4 + ReadInt32(bytes, offset);
            case 0x03: case 0x04: case 0x0F: return ReadInt32(bytes, offset);
            case 0x05: return 5 + ReadInt32(bytes, offset);
            case 0x06: case 0x0A: case 0xFF: case 0x7F: return 0;
            case 0x07: return 12;
            case 0x08: return 1;
            case 0x0B:
                {
                    var first = bytes[offset..].IndexOf((byte)0);
                    var second = bytes[(offset + first + 1)..].IndexOf((byte)0);
                    return first + 1 + second + 1;
                }

            case 0x0C: return 4 + ReadInt32(bytes, offset) + 12;
            case 0x10: return 4;
            case 0x13: return 16;
            default: throw new FormatException($"Unknown BSON type 0x{type:x2}.");
        }
    }

    public static int ReadInt32(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadInt32LittleEndian(bytes[offset..]);

    /// <summary>Checks the outer framing of one document: its length prefix and trailing zero.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> doc) =>
        doc.Length >= 5 && ReadInt32(doc, 0) == doc.Length && doc[^1] == 0;

    /// <summary>Finds a top-level element by its UTF-8 name.</summary>
    public static bool TryFind(ReadOnlySpan<byte> doc, ReadOnlySpan<byte> name, out byte type, out int valueOffset, out int valueSize)
    {
        var pos = 4;
        var end = doc.Length - 1;
        while (pos < end)
        {
            var t = doc[pos];
            var nameStart = pos + 1;
            var nameLength = doc[nameStart..].IndexOf((byte)0);
            var vo = nameStart + nameLength + 1;
            var size = ValueSize(doc, vo, t);
            if (doc.Slice(nameStart, nameLength).SequenceEqual(name))
            {
                type = t;
                valueOffset = vo;
                valueSize = size;
                return true;
            }

            pos = vo + size;
        }

        type = 0;
        valueOffset = 0;
        valueSize = 0;
        return false;
    }

    /// <summary>Returns a top-level field's value, or null when the field is missing.</summary>
    public static BsonValue? GetField(byte[] doc, ReadOnlySpan<byte> name) =>
        TryFind(doc, name, out var type, out var offset, out var size) ? ReadValue(doc, type, offset, size) : null;

    /// <summary>Decodes one value; common scalar types are read here, the rest by <see cref="BsonDocumentReader"/>.</summary>
    public static BsonValue ReadValue(byte[] buffer, byte type, int offset, int size)
    {
        var span = buffer.AsSpan(offset, size);
        switch (type)
        {
            case 0x01: return new BsonDouble(BinaryPrimitives.ReadDoubleLittleEndian(span));
            case 0x02: return new BsonString(Encoding.UTF8.GetString(span.Slice(4, size - 5)));
            case 0x03: return BsonDocumentReader.ReadDocument(span);
            case 0x07: return new BsonObjectId(new ObjectId(span.ToArray()));
            case 0x08: return span[0] != 0 ? BsonBoolean.True : BsonBoolean.False;
            case 0x09: return new BsonDateTime(BinaryPrimitives.ReadInt64LittleEndian(span));
            case 0x0A: return BsonNull.Value;
            case 0x10: return new BsonInt32(BinaryPrimitives.ReadInt32LittleEndian(span));
            case 0x12: return new BsonInt64(BinaryPrimitives.ReadInt64LittleEndian(span));
            case 0xFF: return BsonMinKey.Value;
            case 0x7F: return BsonMaxKey.Value;
            default: return BsonDocumentReader.ReadValue(span, type);
        }
    }

    /// <summary>Parses a whole document (or a slice holding exactly one); malformed bytes throw FormatException.</summary>
    public static BsonDocument ReadDocument(byte[] buffer, int offset, int size) =>
        BsonDocumentReader.ReadDocument(buffer.AsSpan(offset, size));

    /// <summary>
    /// The library's parse, which <see cref="ReadDocument(byte[], int, int)"/> replaced: kept as the reference the
    /// tests and the benchmark compare the hand-written reader with.
    /// </summary>
    internal static BsonDocument ReadDocumentWithLibrary(byte[] buffer, int offset, int size)
    {
        using var stream = new MemoryStream(buffer, offset, size, writable: false);
        using var reader = new BsonBinaryReader(stream);
        return BsonDocumentSerializer.Instance.Deserialize(BsonDeserializationContext.CreateRoot(reader));
    }

    public static BsonDocument ReadDocument(byte[] doc) => ReadDocument(doc, 0, doc.Length);

    /// <summary>
    /// Builds a document holding only the named top-level fields: enough to evaluate a filter or a sort key that
    /// touches a few fields without parsing the rest.
    /// </summary>
    public static BsonDocument Extract(byte[] doc, FieldSet fields)
    {
        var result = new BsonDocument();
        var pos = 4;
        var end = doc.Length - 1;
        var found = 0;
        while (pos < end && found < fields.Count)
        {
            var t = doc[pos];
            var nameStart = pos + 1;
            var nameLength = doc.AsSpan(nameStart).IndexOf((byte)0);
            var vo = nameStart + nameLength + 1;
            var size = ValueSize(doc, vo, t);
            var index = fields.IndexOf(doc.AsSpan(nameStart, nameLength));
            if (index >= 0)
            {
                result.Add(fields.Names[index], ReadValue(doc, t, vo, size));
                found++;
            }

            pos = vo + size;
        }

        return result;
    }

    /// <summary>
    /// Returns the document with its <c>_id</c> as the first field, generating an ObjectId when there is none
    /// (as mongod does). Copies the bytes only when a change is needed.
    /// </summary>
    public static byte[] WithIdFirst(ReadOnlySpan<byte> doc, out BsonValue id)
    {
        if (doc.Length > 8 && doc[4] != 0 && doc.Slice(5, 4).SequenceEqual("_id\0"u8))
        {
            var size = ValueSize(doc, 9, doc[4]);
            var copy = doc.ToArray();
            id = ReadValue(copy, doc[4], 9, size);
            return copy;
        }

        if (TryFind(doc, IdName, out var type, out var offset, out var valueSize))
        {
            var elementStart = offset - 4 - 1;
            var elementLength = 1 + 4 + valueSize;
            var moved = new byte[doc.Length];
            BinaryPrimitives.WriteInt32LittleEndian(moved, doc.Length);
            doc.Slice(elementStart, elementLength).CopyTo(moved.AsSpan(4));
            doc[4..elementStart].CopyTo(moved.AsSpan(4 + elementLength));
            doc[(elementStart + elementLength)..].CopyTo(moved.AsSpan(elementStart + elementLength));
            id = ReadValue(moved, type, 9, valueSize);
            return moved;
        }

        var oid = ObjectId.GenerateNewId();
        var result = new byte[doc.Length + 1 + 4 + 12];
        BinaryPrimitives.WriteInt32LittleEndian(result, result.Length);
        result[4] = 0x07;
        "_id\0"u8.CopyTo(result.AsSpan(5));
        oid.ToByteArray(result, 9);
        doc[4..].CopyTo(result.AsSpan(21));
        id = new BsonObjectId(oid);
        return result;
    }

    /// <summary>Serializes a document to its BSON bytes.</summary>
    public static byte[] ToBytes(BsonDocument document) => document.ToBson();
}
