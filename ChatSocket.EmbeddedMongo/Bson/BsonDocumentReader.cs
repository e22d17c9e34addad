using System.Buffers.Binary;
using System.Text;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Bson;

/// <summary>
/// Builds a <see cref="BsonDocument"/> straight from BSON bytes. It gives the values MongoDB.Bson's
/// <c>BsonBinaryReader</c> with <c>BsonDocumentSerializer</c> gives, without the reader, stream, context and
/// per-name buffers that path allocates on every call (about a tenth of the server's allocations: every command
/// passes here). Every length is checked against the bytes around it, so malformed input throws
/// <see cref="FormatException"/> and never reads outside the span.
/// </summary>
internal static class BsonDocumentReader
{
    /// <summary>
    /// Deepest nesting of documents and arrays accepted, the outer document included (mongod's default BSON depth
    /// limit too). The reader recurses once per level, so the limit is what keeps a crafted message from
    /// overflowing the stack, which would end the process.
    /// </summary>
    public const int MaxDepth = 200;

    // Binary subtype 2, obsolete in the library's enum (hence a number, not BsonBinarySubType.OldBinary).
    private const BsonBinarySubType OldBinary = (BsonBinarySubType)2;

    // Smallest code-with-scope value: total length, a string of length 1 (just its NUL), an empty scope document.
    private const int MinCodeWithScopeSize = 4 + 4 + 1 + 5;

    // The library's strict decoder: invalid UTF-8 is an error, not silently replaced by U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // ObjectId has no public constructor from a span; it copies the 12 bytes out, so one buffer per thread serves.
    [ThreadStatic]
    private static byte[]? t_objectIdBytes;

    /// <summary>Reads one document that fills <paramref name="bytes"/> exactly.</summary>
    public static BsonDocument ReadDocument(ReadOnlySpan<byte> bytes) => ReadDocument(bytes, 1);

    /// <summary>Reads one value of the given BSON type that fills <paramref name="bytes"/> exactly.</summary>
    public static BsonValue ReadValue(ReadOnlySpan<byte> bytes, byte type)
    {
        var pos = 0;
        var value = ReadValue(bytes, ref pos, type, 0);
        if (pos != bytes.Length)
        {
            throw new FormatException($"BSON value of type 0x{type:x2} is {pos} bytes, not {bytes.Length}.");
        }

        return value;
    }

    private static BsonDocument ReadDocument(ReadOnlySpan<byte> bytes, int depth)
    {
        var document = new BsonDocument();
        ReadElements(bytes, depth, document, null);
        return document;
    }

    private static BsonArray ReadArray(ReadOnlySpan<byte> bytes, int depth)
    {
        var array = new BsonArray();
        ReadElements(bytes, depth, null, array);
        return array;
    }

    /// <summary>Reads the elements of a document into <paramref name="document"/>, or of an array into <paramref name="array"/>.</summary>
    private static void ReadElements(ReadOnlySpan<byte> bytes, int depth, BsonDocument? document, BsonArray? array)
    {
        var body = Body(bytes, depth);
        var pos = 4;
        while (pos < body.Length)
        {
            var type = body[pos++];
            if (type == 0)
            {
                throw new FormatException($"BSON document ends at byte {pos} of {bytes.Length}.");
            }

            var name = TakeCString(body, ref pos);
            if (document is not null)
            {
                var value = ReadValue(body, ref pos, type, depth);
                try
                {
                    document.Add(KnownFieldNames.Find(name) ?? Decode(name), value);
                }
                catch (InvalidOperationException e)
                {
                    // A repeated name (Add refuses it). The library's reader let this through as a bug-shaped
                    // exception, logged with its stack as a failed connection; it is malformed input like the rest.
                    throw new FormatException("BSON document repeats a field name: " + e.Message, e);
                }
            }
            else
            {
                // The keys of an array are its indexes; the library skips them undecoded, and so does this.
                array!.Add(ReadValue(body, ref pos, type, depth));
            }
        }
    }

    /// <summary>Checks a document's framing and returns its elements: the bytes before the trailing NUL.</summary>
    private static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> bytes, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"BSON nested more than {MaxDepth} levels deep.");
        }

        if (bytes.Length < 5)
        {
            throw new FormatException($"BSON document of {bytes.Length} bytes is shorter than the smallest document (5).");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (length != bytes.Length)
        {
            throw new FormatException($"BSON document length {length} does not match its {bytes.Length} bytes.");
        }

        if (bytes[^1] != 0)
        {
            throw new FormatException("BSON document has no terminating NUL.");
        }

        return bytes[..^1];
    }

    private static BsonValue ReadValue(ReadOnlySpan<byte> body, ref int pos, byte type, int depth)
    {
        switch (type)
        {
            case 0x01: return (BsonDouble)BinaryPrimitives.ReadDoubleLittleEndian(Take(body, ref pos, 8));
            case 0x02: return (BsonString)ReadString(body, ref pos);
            case 0x03: return ReadDocument(TakeFramed(body, ref pos, 5), depth + 1);
            case 0x04: return ReadArray(TakeFramed(body, ref pos, 5), depth + 1);
            case 0x05: return ReadBinary(body, ref pos);
            case 0x06: return BsonUndefined.Value;
            case 0x07: return new BsonObjectId(ReadObjectId(Take(body, ref pos, 12)));
            case 0x08: return ReadBoolean(Take(body, ref pos, 1)[0]);
            case 0x09: return new BsonDateTime(ReadDateTime(Take(body, ref pos, 8)));
            case 0x0A: return BsonNull.Value;
            case 0x0B:
                {
                    var pattern = Decode(TakeCString(body, ref pos));
                    return new BsonRegularExpression(pattern, Decode(TakeCString(body, ref pos)));
                }

            case 0x0D: return new BsonJavaScript(ReadString(body, ref pos));
            case 0x0E: return (BsonSymbol)ReadString(body, ref pos); // what BsonSymbolTable.Lookup does since 3.x: no interning
            case 0x0F: return ReadCodeWithScope(TakeFramed(body, ref pos, MinCodeWithScopeSize), depth + 1);
            case 0x10: return (BsonInt32)BinaryPrimitives.ReadInt32LittleEndian(Take(body, ref pos, 4));
            case 0x11: return new BsonTimestamp(BinaryPrimitives.ReadInt64LittleEndian(Take(body, ref pos, 8)));
            case 0x12: return (BsonInt64)BinaryPrimitives.ReadInt64LittleEndian(Take(body, ref pos, 8));
            case 0x13:
                {
                    var bits = Take(body, ref pos, 16);
                    return (BsonDecimal128)Decimal128.FromIEEEBits(
                        BinaryPrimitives.ReadUInt64LittleEndian(bits[8..]),
                        BinaryPrimitives.ReadUInt64LittleEndian(bits));
                }

            case 0xFF: return BsonMinKey.Value;
            case 0x7F: return BsonMaxKey.Value;

            // DBPointer (0x0C) included: the library's reader refuses it as unknown too.
            default: throw new FormatException($"Unknown BSON type 0x{type:x2}.");
        }
    }

    /// <summary>Takes <paramref name="count"/> bytes, or throws when fewer are left.</summary>
    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> body, ref int pos, int count)
    {
        if (body.Length - pos < count)
        {
            throw new FormatException($"BSON value needs {count} bytes; {body.Length - pos} are left.");
        }

        var taken = body.Slice(pos, count);
        pos += count;
        return taken;
    }

    /// <summary>Takes a value that starts with its own total length (a document, an array, code with scope).</summary>
    private static ReadOnlySpan<byte> TakeFramed(ReadOnlySpan<byte> body, ref int pos, int minimum)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(Take(body, ref pos, 4));
        pos -= 4;
        if (length < minimum || length > body.Length - pos)
        {
            throw new FormatException($"BSON nested length {length} is out of range (at least {minimum}, at most the {body.Length - pos} bytes left).");
        }

        return Take(body, ref pos, length);
    }

    /// <summary>A length-prefixed string: the length counts the terminating NUL, which must be there.</summary>
    private static string ReadString(ReadOnlySpan<byte> body, ref int pos)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(Take(body, ref pos, 4));
        if (length < 1 || length > body.Length - pos)
        {
            throw new FormatException($"BSON string length {length} is out of range (1 to {body.Length - pos}).");
        }

        var bytes = Take(body, ref pos, length);
        if (bytes[^1] != 0)
        {
            throw new FormatException("BSON string has no terminating NUL.");
        }

        return Decode(bytes[..^1]);
    }

    /// <summary>Takes a NUL-terminated string (a name, a pattern): its bytes without the NUL.</summary>
    private static ReadOnlySpan<byte> TakeCString(ReadOnlySpan<byte> body, ref int pos)
    {
        var length = body[pos..].IndexOf((byte)0);
        if (length < 0)
        {
            throw new FormatException("BSON name or C string has no terminating NUL.");
        }

        var bytes = body.Slice(pos, length);
        pos += length + 1;
        return bytes;
    }

    private static string Decode(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            // The library let this ArgumentException through; callers expect malformed BSON as FormatException.
            throw new FormatException("BSON string is not valid UTF-8: " + e.Message, e);
        }
    }

    private static BsonBinaryData ReadBinary(ReadOnlySpan<byte> body, ref int pos)
    {
        var size = BinaryPrimitives.ReadInt32LittleEndian(Take(body, ref pos, 4));
        var subType = (BsonBinarySubType)Take(body, ref pos, 1)[0];
        if (size < 0 || size > body.Length - pos)
        {
            throw new FormatException($"BSON binary length {size} is out of range (0 to {body.Length - pos}).");
        }

        var data = Take(body, ref pos, size);
        if (subType == OldBinary)
        {
            // Subtype 2 repeats the length inside; the library checks it and reads the value as subtype 0.
            if (size < 4 || BinaryPrimitives.ReadInt32LittleEndian(data) != size - 4)
            {
                throw new FormatException("BSON binary subtype 2 has inconsistent lengths.");
            }

            data = data[4..];
            subType = BsonBinarySubType.Binary;
        }

        if ((subType is BsonBinarySubType.UuidLegacy or BsonBinarySubType.UuidStandard) && data.Length != 16)
        {
            throw new FormatException($"BSON UUID binary of {data.Length} bytes, not 16.");
        }

        return new BsonBinaryData(data.ToArray(), subType);
    }

    private static ObjectId ReadObjectId(ReadOnlySpan<byte> bytes)
    {
        var scratch = t_objectIdBytes ??= new byte[12];
        bytes.CopyTo(scratch);
        return new ObjectId(scratch);
    }

    private static BsonBoolean ReadBoolean(byte value) => value switch
    {
        0 => BsonBoolean.False,
        1 => BsonBoolean.True,
        _ => throw new FormatException($"BSON boolean byte {value} is neither 0 nor 1."),
    };

    private static long ReadDateTime(ReadOnlySpan<byte> bytes)
    {
        var milliseconds = BinaryPrimitives.ReadInt64LittleEndian(bytes);

        // Old drivers wrote DateTime.MaxValue one millisecond too late; the library reads that back as MaxValue.
        return milliseconds == BsonConstants.DateTimeMaxValueMillisecondsSinceEpoch + 1
            ? BsonConstants.DateTimeMaxValueMillisecondsSinceEpoch
            : milliseconds;
    }

    /// <summary>Code with scope: total length, the code as a string, then the scope document, filling it exactly.</summary>
    private static BsonJavaScriptWithScope ReadCodeWithScope(ReadOnlySpan<byte> value, int depth)
    {
        var pos = 4;
        var code = ReadString(value, ref pos);
        return new BsonJavaScriptWithScope(code, ReadDocument(value[pos..], depth));
    }
}
