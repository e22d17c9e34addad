using ChatSocket.EmbeddedMongo.Bson;
using ChatSocket.EmbeddedMongo.Commands;
using MongoDB.Bson;

namespace ChatSocket.EmbeddedMongo.Query;

/// <summary>A sort specification: paths with directions; arrays sort by their smallest (ascending) or largest element.</summary>
internal sealed class SortSpec
{
    private SortSpec(string[] paths, int[] directions)
    {
        Paths = paths;
        Directions = directions;
        Segments = Array.ConvertAll(paths, PathValues.Split);
        Fields = new FieldSet(Array.ConvertAll(paths, FieldSet.TopLevel));
    }

    public string[] Paths { get; }

    public int[] Directions { get; }

    public string[][] Segments { get; }

    public FieldSet Fields { get; }

    public int Count => Paths.Length;

    public static SortSpec? Parse(BsonValue? sort)
    {
        if (sort is null || sort.IsBsonNull)
        {
            return null;
        }

        if (sort is not BsonDocument doc)
        {
            throw new CommandException(ErrorCodes.TypeMismatch, "sort must be an object");
        }

        if (doc.ElementCount == 0)
        {
            return null;
        }

        if (doc.ElementCount == 1 && doc.GetElement(0).Name == "$natural")
        {
            // Natural order here is _id order (there is no separate insertion order to follow).
            return Parse(new BsonDocument("_id", doc[0]));
        }

        var paths = new string[doc.ElementCount];
        var directions = new int[doc.ElementCount];
        for (var i = 0; i < doc.ElementCount; i++)
        {
            var element = doc.GetElement(i);
            if (element.Name.StartsWith('$'))
            {
                throw new CommandException(ErrorCodes.BadValue, $"sort key '{element.Name}' is not supported by the embedded engine");
            }

            if (element.Value is BsonDocument { ElementCount: 1 } meta && meta.GetElement(0).Name == "$meta")
            {
                if (meta[0] != "textScore")
                {
                    throw new CommandException(ErrorCodes.BadValue, $"$meta {meta[0]} is not supported by the embedded engine (only textScore)");
                }

                // Best match first, as MongoDB sorts on the text score.
                paths[i] = TextSearch.ScoreField;
                directions[i] = -1;
                continue;
            }

            if (!element.Value.IsNumeric || (element.Value.ToDouble() != 1 && element.Value.ToDouble() != -1))
            {
                throw new CommandException(ErrorCodes.BadValue, $"$sort key ordering must be 1 (for ascending) or -1 (for descending); {element.Name}: {element.Value} is not supported");
            }

            paths[i] = element.Name;
            directions[i] = element.Value.ToDouble() < 0 ? -1 : 1;
        }

        return new SortSpec(paths, directions);
    }

    public SortSpec? Without(Func<string, bool> drop)
    {
        var paths = new List<string>();
        var directions = new List<int>();
        for (var i = 0; i < Paths.Length; i++)
        {
            if (!drop(Paths[i]))
            {
                paths.Add(Paths[i]);
                directions.Add(Directions[i]);
            }
        }

        return paths.Count == 0 ? null : new SortSpec([.. paths], [.. directions]);
    }

    /// <summary>The value a document sorts by for one path.</summary>
    public BsonValue KeyOf(BsonDocument document, int field)
    {
        var values = new List<BsonValue>(1);
        PathValues.Collect(document, Segments[field], values);
        BsonValue? best = null;
        foreach (var value in values)
        {
            if (value is BsonArray array)
            {
                foreach (var element in array)
                {
                    best = Better(best, element, Directions[field]);
                }

                if (array.Count == 0)
                {
                    best = Better(best, BsonUndefined.Value, Directions[field]);
                }
            }
            else
            {
                best = Better(best, value, Directions[field]);
            }
        }

        return best ?? BsonNull.Value;
    }

    private static BsonValue Better(BsonValue? current, BsonValue candidate, int direction)
    {
        if (current is null)
        {
            return candidate;
        }

        var c = BsonOrder.Instance.Compare(candidate, current);
        return (direction > 0 ? c < 0 : c > 0) ? candidate : current;
    }

    public BsonValue[] KeysOf(BsonDocument document)
    {
        var keys = new BsonValue[Paths.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = KeyOf(document, i);
        }

        return keys;
    }

    public int CompareKeys(BsonValue[] x, BsonValue[] y)
    {
        for (var i = 0; i < Directions.Length; i++)
        {
            var c = BsonOrder.Instance.Compare(x[i], y[i]);
            if (c != 0)
            {
                return c * Directions[i];
            }
        }

        return 0;
    }

    /// <summary>Sorts documents stably.</summary>
    public List<T> Sort<T>(List<T> items, Func<T, BsonDocument> view)
    {
        var keyed = new (BsonValue[] Key, int Order, T Item)[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            keyed[i] = (KeysOf(view(items[i])), i, items[i]);
        }

        Array.Sort(keyed, (a, b) =>
        {
            var c = CompareKeys(a.Key, b.Key);
            return c != 0 ? c : a.Order.CompareTo(b.Order);
        });
        var result = new List<T>(keyed.Length);
        foreach (var k in keyed)
        {
            result.Add(k.Item);
        }

        return result;
    }
}
