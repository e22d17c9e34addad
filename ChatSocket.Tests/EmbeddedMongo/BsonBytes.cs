using System.Buffers.Binary;
using System.Text;

namespace ChatSocket.Tests.EmbeddedMongo;

/// <summary>
/// Builds BSON bytes by hand, for the shapes MongoDB.Bson will not write: malformed framing, deprecated encodings
/// and nesting deeper than a serializer would go.
/// </summary>
internal static class BsonBytes
{
    /// <summary>A document: its length prefix, the given elements and the trailing NUL.</summary>
    public static byte[] Document(params byte[][] elements)
    {
        var body = elements.SelectMany(e => e).ToArray();
        var document = new byte[4 + body.Length + 1];
        BinaryPrimitives.WriteInt32LittleEndian(document, document.Length);
        body.CopyTo(document, 4);
        return document;
    }

    /// <summary>One element: type byte, name as a C string, value bytes.</summary>
    public static byte[] Element(byte type, string name, params byte[][] value) =>
        [type, .. CString(name), .. value.SelectMany(v => v)];

    public static byte[] CString(string text) => [.. Encoding.UTF8.GetBytes(text), 0];

    /// <summary>A length-prefixed string whose length counts the NUL, as BSON strings are written.</summary>
    public static byte[] String(string text) => [.. Int32(Encoding.UTF8.GetByteCount(text) + 1), .. CString(text)];

    public static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }

    public static byte[] Int64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>
    /// <paramref name="levels"/> documents (or arrays), each the only element of the one around it, built in one
    /// pass: concatenating them level by level would copy quadratically many bytes.
    /// </summary>
    public static byte[] Nested(int levels, byte type)
    {
        // Each level around the innermost empty document adds its length, type, a one-letter name and its NUL.
        const int perLevel = 4 + 1 + 2 + 1;
        var bytes = new byte[5 + (perLevel * (levels - 1))];
        var name = type == 0x04 ? (byte)'0' : (byte)'a';
        for (var level = 0; level < levels; level++)
        {
            var at = level * 7;
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), bytes.Length - (level * perLevel));
            if (level < levels - 1)
            {
                bytes[at + 4] = type;
                bytes[at + 5] = name;
            }
        }

        return bytes;
    }
}
