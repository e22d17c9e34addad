using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Bson;

/// <summary>
/// Resolves dotted paths the way MongoDB queries do: a path through an array visits each element, and numeric
/// segments also address array positions.
/// </summary>
internal static class PathValues
{
    /// <summary>
    /// Adds every value the path reaches. Arrays found at the end are added whole; the matcher decides whether to
    /// look inside them. Returns false when the path reaches nothing.
    /// </summary>
    public static bool Collect(BsonValue root, string[] segments, List<BsonValue> values)
    {
        var before = values.Count;
        Walk(root, segments, 0, values);
        return values.Count > before;
    }

    private static void Walk(BsonValue current, string[] segments, int index, List<BsonValue> values)
    {
        if (index == segments.Length)
        {
            values.Add(current);
            return;
        }

        var segment = segments[index];
        if (current is BsonDocument doc)
        {
            if (doc.TryGetValue(segment, out var next))
            {
                Walk(next, segments, index + 1, values);
            }
        }
        else if (current is BsonArray array)
        {
            if (int.TryParse(segment, out var position) && position >= 0)
            {
                if (position < array.Count)
                {
                    Walk(array[position], segments, index + 1, values);
                }

                return;
            }

            foreach (var element in array)
            {
                if (element is BsonDocument)
                {
                    Walk(element, segments, index, values);
                }
            }
        }
    }

    /// <summary>Reads a path without array traversal (for updates and projections); null when absent.</summary>
    public static BsonValue? GetExact(BsonDocument doc, string[] segments)
    {
        BsonValue current = doc;
        foreach (var segment in segments)
        {
            if (current is BsonDocument d && d.TryGetValue(segment, out var next))
            {
                current = next;
            }
            else if (current is BsonArray a && int.TryParse(segment, out var i) && i >= 0 && i < a.Count)
            {
                current = a[i];
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    public static string[] Split(string path) => path.Split('.');
}
