using System.Text;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Storage;

/// <summary>
/// Shares the <see cref="BsonString"/> of repeated index key values (room ids, senders, a text index's words): a text
/// index over a million stored messages then holds a few thousand word strings instead of millions, which keeps the
/// heap the GC must trace small, and an ordered index's keys (kept encoded, <see cref="IndexKeyCodec"/>) cost no
/// string on the way. Bounded: once <see cref="Capacity"/> distinct values are pooled, new ones are simply not pooled.
/// </summary>
internal sealed class StringValuePool
{
    public const int Capacity = 16_384;
    private const int MaxPooledLength = 128;

    private readonly Dictionary<string, BsonString> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BsonString>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringValuePool()
    {
        _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The value of a BSON string element's UTF-8 bytes (without length prefix and terminator).</summary>
    public BsonString Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxPooledLength)
        {
            return new BsonString(Encoding.UTF8.GetString(utf8));
        }

        Span<char> chars = stackalloc char[MaxPooledLength];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        return Get((ReadOnlySpan<char>)chars[..length]);
    }

    /// <summary>The value of <paramref name="text"/>, shared with every earlier key of the same text; a string is made
    /// only for text not pooled yet.</summary>
    public BsonString Get(ReadOnlySpan<char> text)
    {
        if (text.Length <= MaxPooledLength && _lookup.TryGetValue(text, out var pooled))
        {
            return pooled;
        }

        return text.Length > MaxPooledLength ? new BsonString(text.ToString()) : Add(text.ToString());
    }

    private BsonString Add(string text)
    {
        var value = new BsonString(text);
        if (_values.Count < Capacity)
        {
            _values[text] = value;
        }

        return value;
    }
}
