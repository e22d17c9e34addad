using System.Text;

namespace ChatSocket.EmbeddedMongo.Bson;

/// <summary>A small set of top-level field names, kept both as strings and as UTF-8 for comparison with raw BSON.</summary>
internal sealed class FieldSet
{
    private readonly byte[][] _utf8;

    public FieldSet(IEnumerable<string> names)
    {
        Names = names.Distinct(StringComparer.Ordinal).ToArray();
        _utf8 = new byte[Names.Length][];
        for (var i = 0; i < Names.Length; i++)
        {
            _utf8[i] = Encoding.UTF8.GetBytes(Names[i]);
        }
    }

    public string[] Names { get; }

    public int Count => Names.Length;

    public int IndexOf(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < _utf8.Length; i++)
        {
            if (name.SequenceEqual(_utf8[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The top-level field that a dotted path starts with.</summary>
    public static string TopLevel(string path)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? path : path[..dot];
    }
}
